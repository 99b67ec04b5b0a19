"""The Ray engine of ``qa-score batch`` without a Ray cluster: missing Ray, bad options, the actor's scoring."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa_scoring.batch import run_batch
from qa_scoring.batch_ray import ChunkScorer, _build_error, _check_reachable
from qa_scoring.cli import main
from qa_scoring.errors import ConfigError, ModelError, QAScoringError
from qa_scoring.readers import read_transcripts
from tests.fakes import fake_scorer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "samples" / "kargo_gecikme.json"
CHATS = ROOT / "datasets" / "samples" / "eticaret_sohbetler.jsonl"


@pytest.fixture
def no_ray(monkeypatch):
    """Make ``import ray`` fail as it does where the extra is not installed."""
    monkeypatch.setitem(sys.modules, "ray", None)
    monkeypatch.setitem(sys.modules, "ray.data", None)


def test_missing_ray_says_how_to_install_it(no_ray, tmp_path):
    with pytest.raises(ConfigError, match=r"pip install 'qa-scoring\[ray\]'"):
        run_batch([SAMPLE], tmp_path / "out", fake_scorer, engine="ray", progress=False)
    assert not (tmp_path / "out").exists()  # nothing was started or written


def test_cli_missing_ray_is_a_usage_error_with_the_install_command(no_ray, tmp_path, capsys):
    code = main(["batch", str(SAMPLE), "--out", str(tmp_path / "out"), "--engine", "ray", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pip install 'qa-scoring[ray]'" in err and "--engine local" in err


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"engine": "spark"}, "unknown batch engine 'spark'"),
        ({"ray_address": "auto"}, "only apply to engine='ray'"),
        ({"ray_actors": 4}, "only apply to engine='ray'"),
    ],
)
def test_engine_options_are_checked(tmp_path, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        run_batch([SAMPLE], tmp_path / "out", fake_scorer, progress=False, **kwargs)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--ray-actors", "2"], "yalnızca --engine ray ile"),
        (["--ray-address", "auto"], "yalnızca --engine ray ile"),
        (["--engine", "ray", "--ray-actors", "0"], "en az 1"),
    ],
)
def test_cli_rejects_ray_options_that_cannot_apply(tmp_path, capsys, extra, message):
    code = main(["batch", str(SAMPLE), "--out", str(tmp_path / "out"), "--quiet", *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def test_cli_help_lists_the_engine_options():
    res = subprocess.run(
        [sys.executable, "-m", "qa_scoring.cli", "batch", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0
    for flag in ("--engine", "--ray-address", "--ray-actors", "qa-scoring[ray]"):
        assert flag in res.stdout


def _batch(transcripts, start: int = 0) -> dict:
    calls = [json.dumps([t.to_dict() for t in chunk], ensure_ascii=False) for chunk in transcripts]
    return {"step": np.arange(start, start + len(calls)), "calls": np.array(calls, dtype=object)}


def test_actor_scores_a_chunk_exactly_as_the_local_scorer_does():
    calls = read_transcripts(CHATS)
    chunks = [calls[:2], calls[2:]]
    out = ChunkScorer(fake_scorer)(_batch(chunks, start=7))
    assert list(out["step"]) == [7, 8] and list(out["status"]) == ["ok", "ok"]
    local = fake_scorer()
    for chunk, payload in zip(chunks, out["payload"], strict=True):
        expected = [[r.to_dict(), r.to_row()] for r in local.score_many(chunk)]
        assert json.loads(payload) == json.loads(json.dumps(expected, ensure_ascii=False))


class _Exploding:
    def score_many(self, transcripts):
        raise RuntimeError("tokenizer exploded")


def test_actor_reports_a_failed_chunk_with_the_reason_and_goes_on():
    calls = read_transcripts(CHATS)
    out = ChunkScorer(_Exploding)(_batch([calls[:1], calls[1:2]]))
    assert list(out["status"]) == ["failed", "failed"]
    assert list(out["payload"]) == ["tokenizer exploded", "tokenizer exploded"]


def _no_model():
    raise ModelError("model folder /yok is missing qa_model.json; train or copy the model first")


def _broken_import():
    raise ImportError("No module named 'torch'")


@pytest.mark.parametrize(
    "factory, cls, message",
    [
        (_no_model, ModelError, "missing qa_model.json"),
        (_broken_import, QAScoringError, r"could not be built in a Ray actor \(ImportError: No module named 'torch'\)"),
    ],
)
def test_actor_whose_scorer_cannot_be_built_stops_the_batch_with_that_error(factory, cls, message):
    calls = read_transcripts(CHATS)
    out = ChunkScorer(factory)(_batch([calls[:1]]))
    assert list(out["status"]) == ["no_scorer"]
    err = _build_error(out["payload"][0])
    assert type(err) is cls
    with pytest.raises(cls, match=message):
        raise err


def test_unreachable_cluster_address_fails_fast_with_a_fix():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for address in (f"127.0.0.1:{port}", f"ray://127.0.0.1:{port}"):
        with pytest.raises(ConfigError, match=r"no Ray cluster answers at .*--ray-address"):
            _check_reachable(address, timeout=2)
    _check_reachable("auto")  # left to Ray
