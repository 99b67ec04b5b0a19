"""Encoding detection, control characters, binary refusal and the size limit."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from qa_scoring.errors import ConfigError, TranscriptFormatError
from qa_scoring.readers import DEFAULT_MAX_BYTES, DecodedText, decode_bytes, read_transcripts

ENC = Path(__file__).parents[1] / "fixtures" / "readers" / "encodings"
TURKISH = "Temsilci: İyi günler, ŞİKAYET için doğru yerdesiniz; ığdır ÇĞÖÜ.\nMüşteri: Teşekkürler, ağabey.\n"
TURKISH_CP1254 = "Temsilci: Müşteri’nin “iade” talebi – 25 € …\nMüşteri: Peki, sağ olun.\n"


@pytest.mark.parametrize(
    ("name", "marker", "encoding", "expected"),
    [
        ("utf8.txt", "ğ".encode(), "utf-8", TURKISH),
        ("utf8-bom.txt", codecs.BOM_UTF8, "utf-8-sig", TURKISH),
        ("utf16-le-bom.txt", codecs.BOM_UTF16_LE, "utf-16", TURKISH),
        ("utf16-be-bom.txt", codecs.BOM_UTF16_BE, "utf-16", TURKISH),
        ("cp1254.txt", b"\x92", "cp1254", TURKISH_CP1254),  # ’ is 0x92 in Windows-1254
        ("iso-8859-9.txt", b"\xfe", "iso-8859-9", TURKISH),  # ş is 0xFE in both Turkish code pages
    ],
)
def test_supported_encodings_decode_to_turkish(
    name: str, marker: bytes, encoding: str, expected: str
) -> None:
    data = (ENC / name).read_bytes()
    assert marker in data  # the fixture is still byte-exact
    decoded = decode_bytes(data, ENC / name)
    assert decoded == DecodedText(text=expected, encoding=encoding, removed_control_chars=0)


@pytest.mark.parametrize(
    ("text", "expected_encoding"),
    [
        ("Temsilci: ğüşıöç İĞÜŞÖÇ", "iso-8859-9"),  # no 0x80-0x9F byte: ISO-8859-9 (same text as cp1254)
        ("Temsilci: “ğüş” – ı", "cp1254"),
    ],
)
def test_single_byte_choice(text: str, expected_encoding: str) -> None:
    decoded = decode_bytes(text.encode("cp1254"))
    assert (decoded.text, decoded.encoding) == (text, expected_encoding)


def test_c1_bytes_invalid_in_cp1254_are_removed_as_controls() -> None:
    data = "Müşteri: şöyle".encode("iso-8859-9") + b"\x81" + " ığ".encode("iso-8859-9")
    decoded = decode_bytes(data)
    assert decoded.encoding == "iso-8859-9"
    assert decoded.text == "Müşteri: şöyle ığ"
    assert decoded.removed_control_chars == 1


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ((ENC / "double-encoded.txt").read_bytes(), r"double-encoded.*'Ä°' \(should be 'İ'\).*re-export"),
        ("Temsilci: gÃ¼nler".encode(), r"double-encoded.*'Ã¼' \(should be 'ü'\)"),
        ("Müşteri: teÅŸekkÃ¼r".encode(), r"double-encoded.*'ÅŸ' \(should be 'ş'\)"),
        ("Müşteri: kapalÄ± hat".encode(), r"double-encoded.*'Ä±' \(should be 'ı'\)"),
        ("Müşteri: güzel ".encode() + b"\xfe", r"mostly UTF-8 but bytes at offset 18 are not valid UTF-8"),
        ((ENC / "cp1251.txt").read_bytes(), r"not decode to plausible Turkish text.*0xC8"),
        ((ENC / "binary.txt").read_bytes(), r"not a text transcript: it contains 24 NUL byte"),
        ((ENC / "utf16-no-bom.txt").read_bytes(), r"UTF-16 without a byte-order mark.*utf-16-le"),
        (
            b"Temsilci: " + bytes(range(1, 9)) * 3 + b"\n",
            r"not a text transcript: \d+ of \d+ characters are control",
        ),
    ],
)
def test_refused_bytes(data: bytes, match: str) -> None:
    with pytest.raises(TranscriptFormatError, match=match):
        decode_bytes(data, "x.txt")


def test_stray_control_characters_are_removed_and_counted() -> None:
    decoded = decode_bytes((ENC / "control-chars.txt").read_bytes())
    assert decoded.text == "Temsilci: Merhaba efendim.\nMüşteri: Selam.\n"
    assert decoded.removed_control_chars == 3
    [call] = read_transcripts(ENC / "control-chars.txt")
    assert call.metadata["source"]["removed_control_chars"] == 3
    assert call.turns[0].text == "Merhaba efendim."


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        ("ğüş".encode("iso-8859-9"), "latin-1", "ðüþ"),  # explicit encoding wins over detection
        ("şık".encode("utf-16-le"), "utf-16-le", "şık"),
        ("şık".encode("cp1254"), "windows-1254", "şık"),
    ],
)
def test_explicit_encoding_overrides_detection(data: bytes, encoding: str, expected: str) -> None:
    assert decode_bytes(data, encoding=encoding).text == expected


@pytest.mark.parametrize(
    ("encoding", "data", "error", "match"),
    [
        ("turkce-8", b"a", ConfigError, r"unknown encoding 'turkce-8'.*cp1254"),
        ("utf-8", b"Temsilci: \xfe", TranscriptFormatError, r"offset 10 are not valid utf-8.*encoding="),
    ],
)
def test_explicit_encoding_errors(encoding: str, data: bytes, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        decode_bytes(data, encoding=encoding)


@pytest.mark.parametrize(
    ("name", "content"),
    [("bos.txt", b""), ("bosluk.txt", b"  \n\t \r\n"), ("bom.txt", (ENC / "bom-only.txt").read_bytes())],
)
def test_empty_file_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(TranscriptFormatError, match=r"file is empty"):
        read_transcripts(path)


@pytest.mark.parametrize(
    ("size", "max_bytes", "match"),
    [
        (
            2048,
            1024,
            r"file is 2\.0 KB \(2048 bytes\), over the size limit of 1\.0 KB \(1024 bytes\)"
            r".*max_bytes=.*--max-size",
        ),
        (DEFAULT_MAX_BYTES + 1, DEFAULT_MAX_BYTES, r"over the size limit of 20\.0 MB"),
    ],
)
def test_size_limit(tmp_path: Path, size: int, max_bytes: int, match: str) -> None:
    path = tmp_path / "buyuk.txt"
    with path.open("wb") as fh:  # sparse file: the limit must be checked before reading
        fh.truncate(size)
    with pytest.raises(TranscriptFormatError, match=match):
        read_transcripts(path, max_bytes=max_bytes)


@pytest.mark.parametrize("max_bytes", [0, -5, "20MB", True])
def test_invalid_max_bytes_is_a_config_error(tmp_path: Path, max_bytes: object) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Temsilci: Merhaba", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_bytes expected a positive number"):
        read_transcripts(path, max_bytes=max_bytes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("utf8-bom.txt", "utf-8-sig"), ("utf16-le-bom.txt", "utf-16"), ("iso-8859-9.txt", "iso-8859-9")],
)
def test_files_in_each_encoding_read_as_transcripts(name: str, encoding: str) -> None:
    [call] = read_transcripts(ENC / name)
    assert call.call_id == Path(name).stem
    assert call.turns[0].text.startswith("İyi günler, ŞİKAYET için doğru")
    assert call.metadata["source"] == {
        "path": str(ENC / name),
        "format": "txt",
        "encoding": encoding,
        "removed_control_chars": 0,
    }
