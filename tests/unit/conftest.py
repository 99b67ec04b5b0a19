"""Unit tests never write to the user's cache: ONNX graphs of the tiny test models go to a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_model_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("QA_SCORING_CACHE", str(tmp_path_factory.getbasetemp() / "qa-scoring-cache"))
