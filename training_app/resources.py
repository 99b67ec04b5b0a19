"""Heavy shared objects of the app, created once per process (the only module with ``st.cache_resource``).

* the turn classifier (the bundled Turkish model; ``QA_SCORING_MODEL`` points at another folder) and the
  :class:`~qa_scoring.scoring.Scorer` per rubric built on it;
* the :class:`~qa_scoring.store.Store` (``QA_APP_DB_URL``, or a SQLite file at ``QA_APP_DB_PATH``, default
  ``~/.local/share/qa-scoring/app.db``);
* the rubrics (built-in + uploaded) and the drill scenarios (bundled + uploaded), re-read when a file changes.

Uploaded rubrics and scenarios live under the data folder ``QA_APP_DATA_DIR`` (default
``~/.local/share/qa-scoring/``), in ``rubrics/`` and ``scenarios/``. The app never imports torch itself: the
classifier is loaded through :mod:`qa_scoring`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import streamlit as st

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = Path("~/.local/share/qa-scoring")
YAML_SUFFIXES = (".yaml", ".yml")


# ---------------------------------------------------------------------------------------------- folders
def data_dir() -> Path:
    """The folder for uploaded rubrics and scenarios (``QA_APP_DATA_DIR``), created on demand."""
    raw = os.environ.get("QA_APP_DATA_DIR") or str(DEFAULT_DATA_DIR)
    return Path(raw).expanduser()


def uploaded_rubric_dir() -> Path:
    return data_dir() / "rubrics"


def uploaded_scenario_dir() -> Path:
    return data_dir() / "scenarios"


def _folder_signature(*folders: Path) -> tuple[tuple[str, float, int], ...]:
    """(name, mtime, size) of every YAML file in the folders: a cache key that changes when a file changes."""
    sig = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in YAML_SUFFIXES and path.is_file():
                stat = path.stat()
                sig.append((str(path), stat.st_mtime, stat.st_size))
    return tuple(sig)


# ---------------------------------------------------------------------------------------------- store
def _store_key() -> str:
    return os.environ.get("QA_APP_DB_URL") or os.environ.get("QA_APP_DB_PATH") or ""


@st.cache_resource(show_spinner=False)
def _open_store(key: str) -> Any:
    from qa_scoring.store import Store

    log.info("opening the app store (%s)", "configured URL/path" if key else "default path")
    return Store.open()


def get_store() -> Any:
    """The app's :class:`qa_scoring.store.Store` (one per database location)."""
    return _open_store(_store_key())


# ---------------------------------------------------------------------------------------------- model
@st.cache_resource(show_spinner="Model yükleniyor…")
def get_classifier() -> Any:
    """The bundled Turkish turn classifier (loaded once per process)."""
    from qa_scoring.model.classifier import TurnClassifier

    clf = TurnClassifier.from_pretrained()
    log.info("turn classifier loaded from %s", getattr(clf, "path", "?"))
    return clf


@st.cache_resource(show_spinner=False)
def _scorer(rubric_key: str, fingerprint: str) -> Any:
    from qa_scoring.scoring import Scorer

    return Scorer(get_classifier(), rubrics()[rubric_key])


def get_scorer(rubric_key: str = "default") -> Any:
    """A :class:`~qa_scoring.scoring.Scorer` with the bundled model and the rubric ``rubric_key``."""
    rubric = rubrics()[rubric_key]
    return _scorer(rubric_key, rubric.fingerprint)


# ---------------------------------------------------------------------------------------------- rubrics
@st.cache_resource(show_spinner=False)
def _load_rubrics(signature: tuple) -> dict[str, Any]:
    from qa_scoring.errors import RubricError
    from qa_scoring.rubric import Rubric, list_builtin_rubrics

    out: dict[str, Any] = {name: Rubric.load(name) for name in list_builtin_rubrics()}
    for path_str, _, _ in signature:
        path = Path(path_str)
        try:
            rubric = Rubric.from_yaml(path)
        except RubricError as exc:
            log.warning("skipping invalid uploaded rubric %s: %s", path.name, exc.reason)
            continue
        if rubric.id in out:
            log.warning("uploaded rubric %s has the id of an existing rubric (%s); skipped", path.name, rubric.id)
            continue
        out[rubric.id] = rubric
    return out


def rubrics() -> dict[str, Any]:
    """Rubric id → :class:`~qa_scoring.rubric.Rubric`: the built-in ones, then valid uploaded ones."""
    return _load_rubrics(_folder_signature(uploaded_rubric_dir()))


def rubric_sources() -> dict[str, str]:
    """Rubric id → "Hazır" (built-in) or "Yüklenen" (uploaded)."""
    from qa_scoring.rubric import list_builtin_rubrics

    builtin = set(list_builtin_rubrics())
    return {rid: ("Hazır" if rid in builtin else "Yüklenen") for rid in rubrics()}


# ---------------------------------------------------------------------------------------------- scenarios
def bundled_scenario_dir() -> Path:
    """The shipped scenarios (``QA_SCENARIOS_DIR`` overrides ``training_app/scenarios``)."""
    from qa_scoring.drills import bundled_scenarios_dir

    return bundled_scenarios_dir()


@st.cache_resource(show_spinner=False)
def _load_scenarios(signature: tuple, bundled: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    from qa_scoring.drills import ScenarioError, load_scenario, load_scenarios

    problems: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    errors: list[ScenarioError] = []
    try:
        out.update(load_scenarios(bundled, errors=errors))
    except ScenarioError as exc:  # no folder or no file at all
        log.error("bundled scenarios cannot be read: %s", exc.reason)
        errors.append(exc)
    problems += [(Path(e.path or bundled).name, e) for e in errors]
    uploaded = uploaded_scenario_dir()
    for path_str, _, _ in signature:
        path = Path(path_str)
        if path.parent != uploaded:
            continue
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            log.warning("skipping invalid uploaded scenario %s", path.name)
            problems.append((path.name, exc))
            continue
        if scenario.id in out:
            log.warning("uploaded scenario %s repeats the id %s; skipped", path.name, scenario.id)
            continue
        out[scenario.id] = scenario
    return out, problems


def _scenarios_loaded() -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    bundled = bundled_scenario_dir()
    return _load_scenarios(_folder_signature(bundled, uploaded_scenario_dir()), str(bundled))


def scenarios() -> dict[str, Any]:
    """Scenario id → :class:`~qa_scoring.drills.Scenario` (bundled, then valid uploaded ones)."""
    return _scenarios_loaded()[0]


def scenario_problems() -> list[tuple[str, Any]]:
    """(file name, ScenarioError) for scenario files that could not be loaded."""
    return _scenarios_loaded()[1]
