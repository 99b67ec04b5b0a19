"""PII redaction: TC kimlik, phones, IBANs, cards and e-mail addresses in Turkish text."""

import logging

import pytest

from qa_scoring.errors import ConfigError
from qa_scoring.redact import (
    ALL_KINDS,
    PLACEHOLDERS,
    PiiKind,
    PiiMatch,
    RedactionResult,
    find_pii,
    is_valid_iban,
    is_valid_tc_kimlik,
    luhn_valid,
    redact,
    redact_text,
    redact_transcript,
)
from qa_scoring.transcript import Speaker, Transcript, Turn

# ------------------------------------------------------------------ helpers (independent of redact.py)


def make_tc(first_nine: str) -> str:
    """A valid TC kimlik number from its first nine digits (first digit not 0)."""
    d = [int(c) for c in first_nine]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d11 = (sum(d) + d10) % 10
    return f"{first_nine}{d10}{d11}"


def break_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def make_iban(bban: str) -> str:
    """A valid Turkish IBAN (compact) from its 22-digit BBAN."""
    check = 98 - int(bban + "292700") % 97
    return f"TR{check:02d}{bban}"


def group4(text: str) -> str:
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def make_luhn(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return body + str((10 - total % 10) % 10)


def spaced(digits: str) -> str:
    """ASR style: every digit separated by a space."""
    return " ".join(digits)


KNOWN_TC = "10000000146"
TC_A = make_tc("123456789")
TC_B = make_tc("987654321")
INVALID_TC = break_last_digit(TC_A)
KNOWN_IBAN = "TR330006100519786457841326"
IBAN_A = make_iban("0001000001234567890123")
INVALID_IBAN = break_last_digit(IBAN_A)
KNOWN_VISA = "4111111111111111"
CARD_MC = make_luhn("540612345678901")
CARD_TROY = make_luhn("979212345678901")
CARD_AMEX = make_luhn("37828224631000")
INVALID_CARD = break_last_digit(CARD_MC)


@pytest.mark.parametrize("number", [KNOWN_TC, TC_A, TC_B, make_tc("111111111"), make_tc("500000000")])
def test_tc_checksum_valid(number):
    assert is_valid_tc_kimlik(number)


@pytest.mark.parametrize(
    "number",
    [INVALID_TC, "12345678901", "01234567890", "1000000014", "100000001460", "1000000014a", "１0000000146"],
)
def test_tc_checksum_invalid(number):
    assert not is_valid_tc_kimlik(number)


@pytest.mark.parametrize(
    "iban, valid",
    [
        (KNOWN_IBAN, True),
        (group4(KNOWN_IBAN), True),
        (KNOWN_IBAN.lower(), True),
        (IBAN_A, True),
        (INVALID_IBAN, False),
        ("DE89370400440532013000", False),
        ("TR33000610051978645784132", False),
    ],
)
def test_iban_check(iban, valid):
    assert is_valid_iban(iban) is valid


@pytest.mark.parametrize(
    "number, valid",
    [
        (KNOWN_VISA, True),
        (CARD_MC, True),
        (CARD_AMEX, True),
        (INVALID_CARD, False),
        ("4", False),
        ("41x1", False),
    ],
)
def test_luhn(number, valid):
    assert luhn_valid(number) is valid


# ----------------------------------------------------------------------------- redaction tables


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"TC kimlik numaram {KNOWN_TC}.", "TC kimlik numaram [TC_KIMLIK]."),
        (f"Kimlik no: {TC_A}", "Kimlik no: [TC_KIMLIK]"),
        (f"TC'm {TC_B}'dir", "TC'm [TC_KIMLIK]'dir"),
        (f"{TC_A[:3]} {TC_A[3:6]} {TC_A[6:9]} {TC_A[9:]} numaralı kimlik", "[TC_KIMLIK] numaralı kimlik"),
        (f"kimlik {spaced(KNOWN_TC)} tamam", "kimlik [TC_KIMLIK] tamam"),
        (
            f"TC kimlik numaram {KNOWN_TC}, telefonum 0532 123 45 67",
            "TC kimlik numaram [TC_KIMLIK], telefonum [TELEFON]",
        ),
    ],
)
def test_redacts_valid_tc_kimlik(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"Sipariş no {INVALID_TC}",
        "Sipariş no 12345678901",
        "Müşteri no 01234567890 kayıtlı",  # starts with 0
        f"Kargo takip kodu TK{KNOWN_TC}",  # glued to letters: a code
        f"{INVALID_TC[:3]} {INVALID_TC[3:6]} {INVALID_TC[6:9]} {INVALID_TC[9:]}",
    ],
)
def test_keeps_numbers_that_are_not_tc_kimlik(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "phone",
    [
        "+90 532 123 45 67",
        "+90 (532) 123 45 67",
        "+905321234567",
        "0532 123 45 67",
        "0 (532) 123-45-67",
        "(0532) 123 45 67",
        "0532-123-4567",
        "05321234567",
        "5321234567",
        "532 123 45 67",
        "90 532 1234567",
        "0090 532 123 45 67",
        "0212 555 12 34",
        "0 (312) 444 55 66",
        "212 555 12 34",
        "0 5 3 2 1 2 3 4 5 6 7",  # ASR, digit by digit
        "5 3 2 1 2 3 4 5 6 7",
        "05 32 123 45 67",  # with a trunk prefix any grouping is a phone
    ],
)
def test_redacts_phone_spellings(phone):
    result = redact_text(f"Beni {phone} numarasından arayın.")
    assert result.text == "Beni [TELEFON] numarasından arayın."
    assert result.counts["phone"] == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("telefon (0532 123 45 67)", "telefon ([TELEFON])"),
        ("05321234567den aradım", "[TELEFON]den aradım"),
        ("0532 123 45 67'yi arayın", "[TELEFON]'yi arayın"),
        ("0532 123 45 67 2 kez aradım", "[TELEFON] 2 kez aradım"),
        ("0532 123 45 67 / 0216 444 12 34", "[TELEFON] / [TELEFON]"),
        (f"0532 123 45 67 {KNOWN_TC}", "[TELEFON] [TC_KIMLIK]"),
    ],
)
def test_phone_in_context(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tarih 12.05.2024, saat 14:30.",
        "Randevu 12/05/2024 09:15'te.",
        "Tutar 1.250,00 TL, taksit 3 x 416,67 TL.",
        "Bakiye 12 532,40 TL",
        "444 0 123 numaralı çağrı merkezimizi arayın",  # company number, not personal
        "0850 222 0 600 ve 0800 211 00 00 ücretsiz hat",  # non-geographic company numbers
        "Sipariş no 2125551234",  # bare 10 digits starting with 2: an order number
        "Sipariş no 1234 5321 2345 67",  # contains 5321234567 but not in phone grouping
        "Kargo takip kodu 7301234567891",
        "Sipariş 123-456-7890",
        "Fatura no 0612345678",  # national number would start with 6
        "Müşteri numaranız 53212345",  # too short
        "TK10000000146 kodlu sefer",
        "İade talep numaranız HK-240514-7751.",  # ticket id hyphenated to letters: a code
        "Dosya no 240514-7751",  # 6-4 is no phone grouping
        "kargo-2024-05-14-0031",  # a dated call id: no phone starts inside the year
        "Çağrı enerji-2024-11-05-0117 kaydedildi",
        "Kayıt 2024-05-14-0031",
        f"Referans TR-{KNOWN_TC}",
    ],
)
def test_keeps_dates_amounts_and_company_numbers(text):
    assert redact(text) == text
    assert find_pii(text) == []


@pytest.mark.parametrize(
    "iban",
    [
        KNOWN_IBAN,
        group4(KNOWN_IBAN),
        group4(KNOWN_IBAN).lower(),
        "tr" + KNOWN_IBAN[2:],
        IBAN_A,
        group4(IBAN_A),
        "-".join(group4(IBAN_A).split()),
        "TR " + " ".join(IBAN_A[2:]),  # ASR, digit by digit
    ],
)
def test_redacts_valid_iban(iban):
    result = redact_text(f"IBAN numaram {iban}, adım Ayşe.")
    assert result.text == "IBAN numaram [IBAN], adım Ayşe."
    assert result.counts["iban"] == 1
    assert result.total == 1


@pytest.mark.parametrize("iban", [INVALID_IBAN, group4(INVALID_IBAN), break_last_digit(KNOWN_IBAN)])
def test_keeps_invalid_iban_untouched(iban):
    text = f"IBAN {iban} yanlış"
    assert redact(text) == text


@pytest.mark.parametrize(
    "card",
    [
        KNOWN_VISA,
        group4(KNOWN_VISA),
        "-".join(group4(CARD_MC).split()),
        group4(CARD_MC),
        CARD_TROY,
        f"{CARD_AMEX[:4]} {CARD_AMEX[4:10]} {CARD_AMEX[10:]}",
        spaced(CARD_MC),
        "5406 **** **** 1234",
        "540612******1234",
        "**** **** **** 1234",
        "XXXX-XXXX-XXXX-1234",
    ],
)
def test_redacts_cards(card):
    result = redact_text(f"Kart numaram {card} şeklinde.")
    assert result.text == "Kart numaram [KART_NO] şeklinde."
    assert result.counts["card"] == 1


@pytest.mark.parametrize(
    "text",
    [
        f"Kart {group4(INVALID_CARD)}",
        f"Kart {INVALID_CARD}",
        f"Kod {group4(break_last_digit(KNOWN_VISA))}",  # fails Luhn
        f"Kod {make_luhn('123456789012345')}",  # Luhn-valid but no card starts with 1
        "Not 5406 *** 12",  # too short to be a masked card
    ],
)
def test_keeps_non_cards(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    "email",
    [
        "ayse.yilmaz@ornek.com",
        "ayşe.yılmaz@ornek.com.tr",
        "ÇAĞRI_ÖZ+destek@şirket.com.tr",
        "musteri.hizmetleri-2024@example.org",
    ],
)
def test_redacts_email(email):
    result = redact_text(f"E-posta adresim {email}. Teşekkürler")
    assert result.text == "E-posta adresim [E_POSTA]. Teşekkürler"
    assert result.counts == {"tc_kimlik": 0, "phone": 0, "iban": 0, "card": 0, "email": 1}


@pytest.mark.parametrize("text", ["ad@soyad", "@ayse_yilmaz hesabı", "e-posta yok", "ayşe @ ornek"])
def test_keeps_non_emails(text):
    assert redact(text) == text


def test_email_with_digits_is_one_email():
    assert redact("adres 05321234567@ornek.com") == "adres [E_POSTA]"


def test_everything_in_one_turn():
    text = (
        f"Adım Ayşe, TC {KNOWN_TC}, cep 0532 123 45 67, IBAN {group4(KNOWN_IBAN)}, "
        f"kart {group4(KNOWN_VISA)}, e-posta ayşe.yılmaz@ornek.com.tr, sipariş 12345678901, 12.05.2024."
    )
    result = redact_text(text)
    assert result.text == (
        "Adım Ayşe, TC [TC_KIMLIK], cep [TELEFON], IBAN [IBAN], kart [KART_NO], e-posta [E_POSTA], "
        "sipariş 12345678901, 12.05.2024."
    )
    assert result.counts == {"tc_kimlik": 1, "phone": 1, "iban": 1, "card": 1, "email": 1}
    assert result.total == 5


@pytest.mark.parametrize(
    "text",
    [
        f"TC {KNOWN_TC}, tel 0 5 3 2 1 2 3 4 5 6 7, IBAN {group4(IBAN_A)}",
        "kart 5406 **** **** 1234 ve ayse@ornek.com",
        f"{spaced(TC_A)} {spaced('05321234567')}",
        "Merhaba, size nasıl yardımcı olabilirim?",
    ],
)
def test_redaction_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once
    assert redact_text(once).total == 0


# ----------------------------------------------------------------------------- kinds, matches, results


@pytest.mark.parametrize(
    "kinds, expected",
    [
        (["phone"], f"TC {KNOWN_TC} tel [TELEFON]"),
        ("tc_kimlik", "TC [TC_KIMLIK] tel 0532 123 45 67"),
        ([PiiKind.TC_KIMLIK, "PHONE"], "TC [TC_KIMLIK] tel [TELEFON]"),
        ([], f"TC {KNOWN_TC} tel 0532 123 45 67"),
    ],
)
def test_kinds_filter(kinds, expected):
    result = redact_text(f"TC {KNOWN_TC} tel 0532 123 45 67", kinds=kinds)
    assert result.text == expected
    assert set(result.counts) == {str(k).lower() for k in ([kinds] if isinstance(kinds, str) else kinds)}


def test_kinds_filter_does_not_reinterpret_spans():
    # An e-mail holding a phone number is an e-mail; asking for phones only leaves it alone.
    assert redact_text("adres 05321234567@ornek.com", kinds=["phone"]).text == "adres 05321234567@ornek.com"


@pytest.mark.parametrize("kinds", [["telefon"], ["phone", "passport"], "adres"])
def test_unknown_kind(kinds):
    with pytest.raises(ConfigError, match=r"unknown PII kind .* expected some of: tc_kimlik, phone, iban"):
        redact_text("metin", kinds=kinds)


@pytest.mark.parametrize("func", [redact_text, find_pii, redact])
def test_rejects_non_string(func):
    with pytest.raises(TypeError, match="expected a str, found int"):
        func(5321234567)


def test_find_pii_spans_and_repr_do_not_leak():
    text = f"TC {KNOWN_TC}, tel (0532) 123 45 67"
    matches = find_pii(text)
    assert matches == [PiiMatch(PiiKind.TC_KIMLIK, 3, 14), PiiMatch(PiiKind.PHONE, 20, 36)]
    assert text[20:36] == "(0532) 123 45 67"
    assert repr(matches[0]) == "PiiMatch(kind='tc_kimlik', start=3, end=14)"
    assert KNOWN_TC not in repr(matches)


def test_overlap_priority_iban_over_card_and_tc():
    # The digits of a valid IBAN also contain Luhn/TC-like runs; only one [IBAN] may come out.
    assert redact(f"IBAN {group4(KNOWN_IBAN)}") == "IBAN [IBAN]"


def test_placeholders_are_documented_constants():
    assert PLACEHOLDERS == {
        PiiKind.TC_KIMLIK: "[TC_KIMLIK]",
        PiiKind.PHONE: "[TELEFON]",
        PiiKind.IBAN: "[IBAN]",
        PiiKind.CARD: "[KART_NO]",
        PiiKind.EMAIL: "[E_POSTA]",
    }
    assert [k.value for k in ALL_KINDS] == ["tc_kimlik", "phone", "iban", "card", "email"]


def test_redaction_result():
    result = RedactionResult(text="[TELEFON] [TELEFON]", counts={"phone": 2, "email": 0})
    assert result.total == 2
    assert result.to_dict() == {"text": "[TELEFON] [TELEFON]", "counts": {"phone": 2, "email": 0}, "total": 2}


# ----------------------------------------------------------------------------- transcripts


def _transcript(metadata=None):
    return Transcript(
        call_id="2024-05-01-0012",
        turns=(
            Turn(Speaker.AGENT, "İyi günler, size nasıl yardımcı olabilirim?", 0.0, 2.5),
            Turn(Speaker.CUSTOMER, f"TC kimlik numaram {KNOWN_TC}, telefonum 0532 123 45 67", 3.0, 8.0),
            Turn(Speaker.CUSTOMER, "Diğer numaram 0 5 4 2 1 1 1 2 2 3 3, e-posta ayse@ornek.com", 8.0, 12.0),
        ),
        agent_id="A17",
        metadata=metadata if metadata is not None else {"note": f"müşteri tel 0532 123 45 67, TC {KNOWN_TC}"},
    )


def test_redact_transcript():
    original = _transcript()
    redacted = redact_transcript(original)
    assert [t.text for t in redacted.turns] == [
        "İyi günler, size nasıl yardımcı olabilirim?",
        "TC kimlik numaram [TC_KIMLIK], telefonum [TELEFON]",
        "Diğer numaram [TELEFON], e-posta [E_POSTA]",
    ]
    assert redacted.metadata["redaction"] == {"tc_kimlik": 1, "phone": 2, "iban": 0, "card": 0, "email": 1}
    assert redacted.metadata["note"] == original.metadata["note"]  # metadata text is not touched
    assert [(t.speaker, t.start, t.end) for t in redacted.turns] == [
        (t.speaker, t.start, t.end) for t in original.turns
    ]
    assert redacted.call_id == original.call_id and redacted.agent_id == "A17"
    assert KNOWN_TC in original.turns[1].text  # the input is not modified
    assert "redaction" not in original.metadata


def test_redact_transcript_twice_keeps_totals():
    once = redact_transcript(_transcript())
    twice = redact_transcript(once)
    assert [t.text for t in twice.turns] == [t.text for t in once.turns]
    assert twice.metadata["redaction"] == once.metadata["redaction"]


def test_redact_transcript_with_kinds():
    redacted = redact_transcript(_transcript(), kinds=["email"])
    assert redacted.metadata["redaction"] == {"email": 1}
    assert "0532 123 45 67" in redacted.turns[1].text


def test_redact_transcript_replaces_malformed_previous_counts(caplog):
    with caplog.at_level(logging.WARNING, logger="qa_scoring.redact"):
        redacted = redact_transcript(_transcript({"redaction": "yes"}))
    assert redacted.metadata["redaction"]["phone"] == 2
    assert "expected a mapping of kind -> count" in caplog.text
    assert KNOWN_TC not in caplog.text


def test_redaction_logs_no_raw_text(caplog):
    with caplog.at_level(logging.DEBUG, logger="qa_scoring.redact"):
        redact_transcript(_transcript())
    assert "0532" not in caplog.text
    assert KNOWN_TC not in caplog.text
