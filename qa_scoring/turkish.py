"""Turkish-aware character handling.

``str.lower()`` is wrong for Turkish: it maps "I" to "i" (should be "ı") and "İ" to "i̇" (i + combining dot).
These helpers get the dotted and dotless i right and are used everywhere text is compared.
"""

from __future__ import annotations

import unicodedata

_LOWER_MAP = str.maketrans({"I": "ı", "İ": "i"})
_UPPER_MAP = str.maketrans({"i": "İ", "ı": "I"})
_ASCII_FOLD_MAP = str.maketrans(
    {
        "ç": "c", "Ç": "C", "ğ": "g", "Ğ": "G", "ı": "i", "İ": "I", "ö": "o", "Ö": "O",
        "ş": "s", "Ş": "S", "ü": "u", "Ü": "U", "â": "a", "Â": "A", "î": "i", "Î": "I",
        "û": "u", "Û": "U",
    }
)


def turkish_lower(text: str) -> str:
    """Lower-case ``text`` with Turkish rules ("I" → "ı", "İ" → "i").

    Text is NFC-normalised first so that "I" + combining dot above (a decomposed "İ") also becomes "i".
    """
    text = unicodedata.normalize("NFC", text)
    return text.translate(_LOWER_MAP).lower()


def turkish_upper(text: str) -> str:
    """Upper-case ``text`` with Turkish rules ("i" → "İ", "ı" → "I")."""
    text = unicodedata.normalize("NFC", text)
    return text.translate(_UPPER_MAP).upper()


def ascii_fold(text: str) -> str:
    """Replace Turkish letters by their ASCII look-alikes ("çğıöşü" → "cgiosu")."""
    return unicodedata.normalize("NFC", text).translate(_ASCII_FOLD_MAP)


def fold_key(text: str) -> str:
    """A comparison key: Turkish lower case, then ASCII-folded, surrounding space and ':' stripped.

    "TEMSİLCİ", "Temsilci", "temsilci" and "TEMSILCI" all give "temsilci".
    """
    return ascii_fold(turkish_lower(text)).strip().strip(":").strip()
