"""What the store returns: roles, users and stored records as frozen dataclasses (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["CallRecord", "DrillRecord", "Override", "Role", "User"]


class Role(StrEnum):
    """What a user may do. Scope rules are enforced by every :class:`~qa_scoring.store.Store` method."""

    TRAINEE = "trainee"
    REVIEWER = "reviewer"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def name_tr(self) -> str:
        """Turkish display name ("Takım lideri")."""
        return _ROLE_NAMES_TR[self]


_ROLE_NAMES_TR = {
    Role.TRAINEE: "Stajyer/Temsilci",
    Role.REVIEWER: "Değerlendirici",
    Role.LEAD: "Takım lideri",
    Role.ADMIN: "Yönetici",
}


@dataclass(frozen=True)
class User:
    """A user of the training app. The password hash is never part of it.

    Attributes:
        id: Database id.
        username: Normalised login name (Turkish lower case, e.g. ``"ilker"``).
        display_name: Name shown in the app.
        role: What the user may do.
        team: Team name (leads see their team; trainees belong to one), or None.
        agent_id: The agent id used in call transcripts (trainees see the calls with this id), or None.
        active: False once deactivated; inactive users cannot log in or act.
        created_at: When the account was created (UTC).
        last_login_at: Last successful login (UTC), or None.
    """

    id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    agent_id: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None = None


@dataclass(frozen=True)
class CallRecord:
    """A scored call as stored (the report is the redacted :meth:`CallReport.to_dict` output).

    Attributes:
        id: Database id of this record (one per call id and rubric fingerprint).
        call_id: The call's id.
        agent_id, team, channel: From the report.
        started_at: When the call started (as written in the report; timezone-aware when it had an offset).
        date: The call's date (from ``started_at``), or None when the report has no start time.
        scored_at: When the record was last saved (UTC).
        rubric_id, rubric_fingerprint: The rubric the call was scored with.
        overall, passed: From the report.
        source_name: Where the report came from (file name), redacted.
        saved_by: Username of who saved it last, or None when that user was removed.
        report: The stored report dictionary.
    """

    id: int
    call_id: str
    agent_id: str | None
    team: str | None
    channel: str | None
    started_at: datetime | None
    date: date | None
    scored_at: datetime
    rubric_id: str | None
    rubric_fingerprint: str
    overall: float | None
    passed: bool | None
    source_name: str
    saved_by: str | None
    report: dict[str, Any] = field(repr=False, compare=False)

    def skill_levels(self) -> dict[str, int | None]:
        """Skill key → the model's level 1–5 (None when not applicable)."""
        skills = self.report.get("skills") or {}
        return {k: (v or {}).get("level") for k, v in skills.items()}


@dataclass(frozen=True)
class Override:
    """A reviewer's level for one skill of one call, with the required comment (redacted).

    A level equal to ``model_level`` is a confirmation of the model's level.

    Attributes:
        id: Database id.
        call_id: The call's id.
        call_record_id: The :class:`CallRecord` id the override was made on.
        skill: Skill key.
        model_level: The model's level when the override was made (None when not applicable).
        level: The reviewer's level 1–5.
        comment: Why (personal data redacted).
        reviewer: Username of who made it.
        created_at: When (UTC).
    """

    id: int
    call_id: str
    call_record_id: int
    skill: str
    model_level: int | None
    level: int
    comment: str
    reviewer: str
    created_at: datetime


@dataclass(frozen=True)
class DrillRecord:
    """A finished role-play drill (the summary is the redacted :meth:`DrillSummary.to_dict` output).

    Attributes:
        id: Database id.
        trainee: Username of who did the drill.
        display_name: The trainee's display name.
        team: The trainee's team when the drill was saved.
        scenario_id, scenario_title, outcome: From the summary.
        started_at, ended_at: From the summary (UTC), or None.
        date: The drill's date.
        created_at: When it was saved (UTC).
        summary: The stored summary dictionary.
    """

    id: int
    trainee: str
    display_name: str
    team: str | None
    scenario_id: str
    scenario_title: str | None
    outcome: str | None
    started_at: datetime | None
    ended_at: datetime | None
    date: date
    created_at: datetime
    summary: dict[str, Any] = field(repr=False, compare=False)

    @property
    def skill_scores(self) -> dict[str, float | None]:
        """Skill key → 0–100 score (None when not applicable)."""
        return dict(self.summary.get("skill_scores") or {})
