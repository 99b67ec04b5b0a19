"""Turkish-aware text normalisation: transforms, presets and the jiwer bridge."""

import jiwer
import pytest

from qa_scoring.errors import ConfigError
from qa_scoring.normalize import (
    CHAT_SHORTHAND,
    NFC,
    PRESETS,
    AsciiFold,
    CollapseWhitespace,
    Compose,
    ExpandChatShorthand,
    NormalizeQuotes,
    RemoveControlChars,
    RemovePunctuation,
    Strip,
    TurkishLowercase,
    TurkishUppercase,
    get_preset,
    jiwer_char_transform,
    jiwer_transform,
    normalize,
)

DECOMPOSED_I = "I\u0307"  # "I" + combining dot above = a decomposed "İ"


# ----------------------------------------------------------------------------- single transforms


@pytest.mark.parametrize(
    "text, expected",
    [
        ("İSTANBUL", "istanbul"),
        ("IŞIK", "ışık"),
        ("Iğdır", "ığdır"),
        (f"{DECOMPOSED_I}STANBUL", "istanbul"),
        ("i\u0307yi günler", "iyi günler"),  # what "İyi".lower() produces
        ("Müşteri HİZMETLERİ Ile", "müşteri hizmetleri ıle"),
        ("HELLO WORLD", "hello world"),  # no Turkish letters: only I is special
        ("TESEKKUR EDERIM", "tesekkur ederım"),
        ("ÇAĞRI MERKEZİ", "çağrı merkezi"),
        ("", ""),
    ],
)
def test_turkish_lowercase(text, expected):
    assert TurkishLowercase()(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ılık", "ILIK"),
        ("istanbul", "İSTANBUL"),
        ("şiş kebap", "ŞİŞ KEBAP"),
        ("iyi günler", "İYİ GÜNLER"),
        ("ığdır", "IĞDIR"),
    ],
)
def test_turkish_uppercase(text, expected):
    assert TurkishUppercase()(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (DECOMPOSED_I + "stanbul", "İstanbul"),
        ("s\u0327ikayet", "şikayet"),  # s + combining cedilla
        ("g\u0306u\u0308zel", "ğüzel"),
        ("zaten NFC", "zaten NFC"),
    ],
)
def test_nfc(text, expected):
    assert NFC()(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("merhaba\u200b dünya", "merhaba dünya"),  # zero-width space
        ("\ufeffAlo", "Alo"),  # byte-order mark
        ("kre\u00addi", "kredi"),  # soft hyphen
        ("satır\nsatır\tsekme", "satır satır sekme"),
        ("zil\x07sesi\x00", "zilsesi"),
        ("\u200eİade\u200f", "İade"),  # bidi marks
    ],
)
def test_remove_control_chars(text, expected):
    assert RemoveControlChars()(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“Merhaba”", '"Merhaba"'),
        ("«iade» talebi", '"iade" talebi'),
        ("„Tamam“", '"Tamam"'),
        ("Ayşe’nin ‘kartı’", "Ayşe'nin 'kartı'"),
        ("düz 'tırnak' kalır", "düz 'tırnak' kalır"),
    ],
)
def test_normalize_quotes(text, expected):
    assert NormalizeQuotes()(text) == expected


@pytest.mark.parametrize(
    "text, keep, expected",
    [
        ("Ayşe'nin kartı", False, "Ayşenin kartı"),
        ("Ayşe’nin kartı", False, "Ayşenin kartı"),
        ("Ayşe'nin kartı", True, "Ayşe'nin kartı"),
        ("2024'te", False, "2024te"),
        ("Merhaba, nasılsınız?", False, "Merhaba  nasılsınız "),
        ("Peki… anladım!", False, "Peki  anladım "),
        ("“Tamam” dedi", False, " Tamam  dedi"),
        ("«iade»", True, " iade "),
        ("'tırnak'", True, " tırnak "),  # quote-like apostrophes are punctuation even when kept
        ("e-posta (yeni)", False, "e posta  yeni "),
        ("5 + 3 = 8 ₺ $", False, "5 + 3 = 8 ₺ $"),  # symbols are not punctuation
        ("%50 indirim", False, " 50 indirim"),  # "%" is Unicode punctuation (Po)
    ],
)
def test_remove_punctuation(text, keep, expected):
    assert RemovePunctuation(keep_apostrophe=keep)(text) == expected


@pytest.mark.parametrize(
    "transform, text, expected",
    [
        (CollapseWhitespace(), "iyi   günler\n\tefendim", "iyi günler efendim"),
        (CollapseWhitespace(), "no-break\u00a0space", "no-break space"),
        (Strip(), "  merhaba \n", "merhaba"),
        (AsciiFold(), "Çağrı Işık Öğüt Şükrü", "Cagri Isik Ogut Sukru"),
        (AsciiFold(), "hello world", "hello world"),
    ],
)
def test_small_transforms(transform, text, expected):
    assert transform(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("slm nbr", "selam ne haber"),
        ("mrb, tşk ederim", "merhaba, teşekkürler ederim"),
        ("mrhb tmm", "merhaba tamam"),
        ("TSK tşkler tskler", "teşekkürler teşekkürler teşekkürler"),
        ("tm bi dk", "tamam bir dakika"),
        ("cnm kib", "canım kendine iyi bak"),
        ("yk nasi oldu", "yok nasıl oldu"),
        ("slmlar", "selamlar"),
        ("bilgi tmmdır slmx", "bilgi tmmdır slmx"),  # only whole words
        ("sn müşterimiz", "sn müşterimiz"),  # ambiguous "sn" is left alone
        ("kod tm2", "kod tm2"),
    ],
)
def test_expand_chat_shorthand(text, expected):
    assert ExpandChatShorthand()(text) == expected


def test_expand_chat_shorthand_custom_table():
    assert ExpandChatShorthand({"knk": "kanka"})("slm knk") == "slm kanka"


@pytest.mark.parametrize(
    "table, message",
    [
        (["slm"], "must be a mapping"),
        ({"": "boş"}, "non-empty word"),
        ({"slm": 3}, "non-empty word"),
    ],
)
def test_expand_chat_shorthand_bad_table(table, message):
    with pytest.raises(ConfigError, match=message):
        ExpandChatShorthand(table)


def test_chat_shorthand_table_expansions_are_lower_case():
    for short, full in CHAT_SHORTHAND.items():
        assert short == TurkishLowercase()(short)
        assert full == TurkishLowercase()(full)


# ----------------------------------------------------------------------------- Compose and lists


def test_transform_maps_over_lists():
    assert TurkishLowercase()(["İYİ", "IŞIK"]) == ["iyi", "ışık"]
    pipeline = Compose([TurkishLowercase(), RemovePunctuation(), CollapseWhitespace(), Strip()])
    assert pipeline(["İYİ GÜNLER!", "  Hoş geldiniz, efendim. "]) == ["iyi günler", "hoş geldiniz efendim"]


def test_compose_accepts_plain_callables_and_nesting():
    inner = Compose([TurkishUppercase()])
    pipeline = Compose([inner, str.strip, lambda s: s + "!"])
    assert pipeline("  iyi günler ") == "İYİ GÜNLER!"
    assert len(pipeline) == 3


@pytest.mark.parametrize(
    "value, message", [(42, "found int"), ([1], "found int at index 0"), (None, "NoneType")]
)
def test_transform_rejects_non_strings(value, message):
    with pytest.raises(TypeError, match=message):
        TurkishLowercase()(value)


def test_compose_rejects_non_callables():
    with pytest.raises(ConfigError, match="expected callable transforms, found str at position 1"):
        Compose([Strip(), "lower"])


def test_compose_rejects_transform_returning_non_string():
    with pytest.raises(TypeError, match="returned list"):
        Compose([jiwer.ReduceToListOfListOfWords()])("iyi günler")


# ----------------------------------------------------------------------------- presets


@pytest.mark.parametrize(
    "preset, text, expected",
    [
        ("none", "  İYİ  günler\u200b ", "  İYİ  günler\u200b "),
        ("clean", "  İyi   günler,\u200b “efendim”…\n", 'İyi günler, "efendim"…'),
        ("clean", f"{DECOMPOSED_I}yi günler", "İyi günler"),
        ("match", "İYİ GÜNLER, Hoş geldiniz!", "iyi günler hoş geldiniz"),
        ("match", "IŞIK Ayşe'nin  kartı…", "ışık ayşenin kartı"),
        ("match", "iyi günler hoş geldiniz", "iyi günler hoş geldiniz"),  # ASR output, no punctuation
        ("match", "HELLO, WORLD", "hello world"),
        ("match", f"{DECOMPOSED_I}STANBUL'dan arıyorum", "istanbuldan arıyorum"),
        ("match_ascii", "Teşekkür ederim.", "tesekkur ederim"),
        ("match_ascii", "TESEKKUR EDERIM", "tesekkur ederim"),
        ("match_ascii", "ıyı gunler", "iyi gunler"),
        ("chat", "Slm, tşk ederim!!", "selam tesekkurler ederim"),
        ("chat", "mrb nbr cnm", "merhaba ne haber canim"),
        ("chat", "TMM, yrn ararım", "tamam yarin ararim"),
    ],
)
def test_presets(preset, text, expected):
    assert normalize(text, preset) == expected
    assert get_preset(preset)(text) == expected


@pytest.mark.parametrize(
    "typed, ascii_typed",
    [
        ("Teşekkür ederim", "TESEKKUR EDERIM"),
        ("İyi günler", "iyi gunler"),
        ("Şikâyetinizi aldım", "sikayetinizi aldim"),
        ("IŞIK", "isik"),
    ],
)
def test_match_ascii_equates_text_typed_without_turkish_letters(typed, ascii_typed):
    assert normalize(typed, "match_ascii") == normalize(ascii_typed, "match_ascii")


def test_match_keeps_dotless_i_distinct():
    assert normalize("ışık", "match") != normalize("isik", "match")


def test_normalize_default_preset_is_clean():
    assert normalize("  İyi  günler! ") == "İyi günler!"


def test_normalize_accepts_a_pipeline():
    assert normalize("İYİ", Compose([TurkishLowercase()])) == "iyi"


def test_preset_names():
    assert set(PRESETS) == {"none", "clean", "match", "match_ascii", "chat"}
    assert get_preset(" MATCH ") is PRESETS["match"]


@pytest.mark.parametrize("name", ["lowercase", "", "match-ascii"])
def test_unknown_preset_lists_the_names(name):
    expected = r"unknown normalisation preset .*none, clean, match, match_ascii, chat"
    with pytest.raises(ConfigError, match=expected):
        get_preset(name)


def test_normalize_rejects_non_string():
    with pytest.raises(TypeError, match="expected a str, found bytes"):
        normalize(b"merhaba")


# ----------------------------------------------------------------------------- jiwer bridge


@pytest.mark.parametrize(
    "preset, reference, hypothesis, expected_wer",
    [
        ("match", "İYİ GÜNLER, Hoş geldiniz!", "iyi günler hoş geldiniz", 0.0),
        ("match_ascii", "İyi günler hoş geldiniz", "ıyı gunler hos geldınız", 0.0),
        ("match", "İyi günler hoş geldiniz", "ıyı gunler hos geldınız", 1.0),
        ("match", "Ayşe'nin kartı kayıp.", "ayşenin kartı kayıp", 0.0),
        ("chat", "Merhaba, teşekkürler!", "mrb tşk", 0.0),
        ("match", "iyi günler efendim", "iyi günler", 1 / 3),
    ],
)
def test_jiwer_wer(preset, reference, hypothesis, expected_wer):
    transform = jiwer_transform(preset)
    wer = jiwer.wer(reference, hypothesis, reference_transform=transform, hypothesis_transform=transform)
    assert wer == pytest.approx(expected_wer)


def test_jiwer_process_words_on_lists():
    transform = jiwer_transform("match")
    out = jiwer.process_words(
        ["İYİ GÜNLER!", "IŞIK yandı."],
        ["iyi günler", "ışık yandı"],
        reference_transform=transform,
        hypothesis_transform=transform,
    )
    assert out.wer == 0.0
    assert out.references == [["iyi", "günler"], ["ışık", "yandı"]]


def test_jiwer_transforms_end_with_reduce_steps():
    assert isinstance(jiwer_transform().transforms[-1], jiwer.ReduceToListOfListOfWords)
    assert isinstance(jiwer_char_transform().transforms[-1], jiwer.ReduceToListOfListOfChars)


@pytest.mark.parametrize(
    "preset, reference, hypothesis, expected_cer",
    [
        ("match", "İYİ!", "iyi", 0.0),
        ("match", "ışık", "isik", 0.75),
        ("match_ascii", "ışık", "isik", 0.0),
    ],
)
def test_jiwer_cer(preset, reference, hypothesis, expected_cer):
    transform = jiwer_char_transform(preset)
    cer = jiwer.cer(reference, hypothesis, reference_transform=transform, hypothesis_transform=transform)
    assert cer == pytest.approx(expected_cer)


def test_jiwer_transform_unknown_preset():
    with pytest.raises(ConfigError, match="expected one of"):
        jiwer_transform("nope")
