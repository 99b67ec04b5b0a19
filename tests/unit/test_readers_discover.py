"""discover(), load_many() and format selection in read_transcripts()."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from qa_scoring import readers
from qa_scoring.errors import ConfigError, TranscriptFormatError
from qa_scoring.readers import FORMATS, LoadError, LoadResult, discover, load_many, read_transcripts

FIXTURES = Path(__file__).parents[1] / "fixtures" / "readers"
FOLDER = FIXTURES / "folder"


def test_public_api_is_exported() -> None:
    for name in (
        "DEFAULT_MAX_BYTES",
        "FORMATS",
        "read_transcripts",
        "parse_transcripts",
        "decode_bytes",
        "DecodedText",
        "discover",
        "LoadError",
        "LoadResult",
        "load_many",
    ):
        assert hasattr(readers, name), name
    assert FORMATS == ("json", "jsonl", "csv", "txt", "vtt", "srt", "asr")
    assert readers.DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([FOLDER], ["a.json", "sub/b.txt", "sub/z.txt"]),  # recursive, sorted, no .md, no hidden folder
        ([str(FOLDER / "**" / "*.txt")], ["sub/b.txt", "sub/z.txt"]),
        ([FOLDER / "notes.md"], ["notes.md"]),  # an explicit file is kept (and fails later with a message)
        ([FOLDER / "sub" / "z.txt", FOLDER], ["sub/z.txt", "a.json", "sub/b.txt"]),  # no duplicates
        (FOLDER / "a.json", ["a.json"]),  # a single path
    ],
)
def test_discover(paths: object, expected: list[str]) -> None:
    found = discover(paths)  # type: ignore[arg-type]
    assert [p.relative_to(FOLDER).as_posix() for p in found] == expected


@pytest.mark.parametrize(
    ("path", "match"),
    [
        (FOLDER / "yok.json", r"path '.*yok\.json' does not exist"),
        (FOLDER / "*.vtt", r"pattern '.*\*\.vtt' matches no transcript files"),
        (FIXTURES / "folder" / ".hidden" / "..", None),
    ],
)
def test_discover_errors(path: Path, match: str | None, tmp_path: Path) -> None:
    if match is None:  # an empty folder
        path, match = tmp_path, r"folder '.*' holds no transcript files"
    with pytest.raises(ConfigError, match=match):
        discover([path])


def test_load_many_collects_errors_and_keeps_going(tmp_path: Path) -> None:
    good = tmp_path / "iyi.txt"
    good.write_text("Temsilci: Merhaba\nMüşteri: Selam\n", encoding="utf-8")
    (tmp_path / "bos.txt").write_bytes(b"")
    (tmp_path / "kotu.json").write_text('{"call_id": "x", "turns": [', encoding="utf-8")
    (tmp_path / "musteri.txt").write_text("Müşteri: Alo\n", encoding="utf-8")
    (tmp_path / "kopya.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nT: a\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "iyi.txt").write_text("Temsilci: ikinci\n", encoding="utf-8")
    result = load_many([tmp_path])
    assert isinstance(result, LoadResult)
    assert [t.call_id for t in result.transcripts] == ["iyi", "kopya"]
    errors = {Path(e.path).name: e for e in result.errors}
    assert set(errors) == {"bos.txt", "kotu.json", "musteri.txt", "iyi.txt"}
    assert "file is empty" in errors["bos.txt"].reason
    assert errors["kotu.json"].location == "line 1, column 28"
    assert "no agent turn" in errors["musteri.txt"].reason
    assert "already loaded" in errors["iyi.txt"].reason
    assert errors["kotu.json"].to_dict() == {
        "path": str(tmp_path / "kotu.json"),
        "location": "line 1, column 28",
        "reason": errors["kotu.json"].reason,
    }


def test_load_many_passes_options_and_raises_only_for_config(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Kim;Söz\nTemsilci;Merhaba\n", encoding="utf-8")
    result = load_many([tmp_path], csv_columns="speaker=Kim,text=Söz")
    assert (len(result.transcripts), result.errors) == (1, [])
    result = load_many([tmp_path], max_bytes=5)
    size = (tmp_path / "a.csv").stat().st_size
    assert [e.reason.split(";")[0] for e in result.errors] == [
        f"file is {size} bytes, over the size limit of 5 bytes"
    ]
    with pytest.raises(ConfigError, match="format 'docx' expected one of json, jsonl"):
        load_many([tmp_path], format="docx")


def test_load_error_str() -> None:
    assert str(LoadError("a.txt", "line 3", "bad")) == "a.txt, line 3: bad"
    assert str(LoadError("a.txt", None, "bad")) == "a.txt: bad"


@pytest.mark.parametrize(
    ("name", "content", "options", "fmt"),
    [
        ("kayit.dat", "Temsilci: Merhaba\n", {"format": "txt"}, "txt"),
        ("kayit.TXT", "Temsilci: Merhaba\n", {}, "txt"),
        ("kayit.json", '{"segments": [{"speaker": "S0", "text": "hoş geldiniz"}]}', {}, "asr"),
        (
            "kayit.json",
            '{"segments": [{"speaker": "S0", "text": "hoş geldiniz"}]}',
            {"format": "json"},
            "asr",
        ),
        ("kayit.ndjson", '{"call_id": "c", "speaker": "T", "text": "a"}\n', {}, "jsonl"),
    ],
)
def test_format_selection(tmp_path: Path, name: str, content: str, options: dict[str, str], fmt: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [call] = read_transcripts(path, **options)  # type: ignore[arg-type]
    assert call.metadata["source"]["format"] == fmt


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [
        ("kayit.docx", TranscriptFormatError, r"unsupported file extension '\.docx'.*format="),
        ("yok.txt", TranscriptFormatError, r"file not found"),
    ],
)
def test_read_errors(tmp_path: Path, name: str, error: type[Exception], match: str) -> None:
    if name != "yok.txt":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(error, match=match):
        read_transcripts(tmp_path / name)


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(TranscriptFormatError, match=r"found a folder; use load_many"):
        read_transcripts(tmp_path, format="txt")


def test_logs_never_contain_transcript_text(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    secret = "Temsilci: TC kimlik 12345678901\x07\nMüşteri: Alo\n"
    (tmp_path / "gizli.txt").write_text(secret, encoding="utf-8")
    (tmp_path / "kotu.txt").write_text("Kadir Bey: gizli bilgi\n", encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="qa_scoring.readers"):
        result = load_many([FIXTURES / "tel-553.json", FIXTURES / "turkish_excel.csv", tmp_path])
    assert len(result.transcripts) == 4 and len(result.errors) == 1
    assert caplog.records  # something was logged ...
    texts = [t.text for call in result.transcripts for t in call.turns] + ["gizli bilgi", "Kadir"]
    for text in texts:  # ... but no turn text
        assert text not in caplog.text
