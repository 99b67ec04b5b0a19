"""The soft-skills network: a transformer encoder, segment-aware mean pooling and one head per skill.

The input is the pair (customer context, agent reply). The encoder attends over both; the reply is pooled
separately from the context (mean over the reply's tokens, and over the context's), so a long customer line does
not dilute the reply being judged. Skills see ``[reply ; context]``; the distress head sees the context.
"""

from __future__ import annotations

import torch
from torch import nn

from ..skills import SKILL_KEYS

N_CLASSES = 3  # -1, 0, +1


def masked_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``hidden`` [B, T, H] over positions where ``mask`` [B, T] is 1 (zeros when none)."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)


class SoftSkillNet(nn.Module):
    """Encoder + heads. ``forward`` returns (skill logits [B, n_skills, 3], distress logits [B, 2])."""

    def __init__(self, encoder: nn.Module, n_skills: int = len(SKILL_KEYS), dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.n_skills = n_skills
        self.dropout = nn.Dropout(dropout)
        self.skill_head = nn.Linear(2 * hidden, n_skills * N_CLASSES)
        self.distress_head = nn.Linear(hidden, 2)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        reply_mask: torch.Tensor,
        context_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        hidden = out.last_hidden_state
        reply = masked_mean(hidden, reply_mask)
        context = masked_mean(hidden, context_mask)
        skills = self.skill_head(self.dropout(torch.cat([reply, context], dim=-1)))
        distress = self.distress_head(self.dropout(context))
        return skills.view(-1, self.n_skills, N_CLASSES), distress

    def head_state(self) -> dict[str, torch.Tensor]:
        return {f"skill_head.{k}": v for k, v in self.skill_head.state_dict().items()} | {
            f"distress_head.{k}": v for k, v in self.distress_head.state_dict().items()
        }
