"""Speaker labels as contact-centre exports write them, mapped to :class:`~qa_scoring.transcript.Speaker`."""

from __future__ import annotations

from .transcript import Speaker
from .turkish import fold_key

#: Known labels (compared after :func:`~qa_scoring.turkish.fold_key`, so case and Turkish letters do not matter).
SPEAKER_ALIASES: dict[str, Speaker] = {}
for _label in (
    "agent",
    "temsilci",
    "t",
    "musteri temsilcisi",
    "operator",
    "op",
    "representative",
    "rep",
    "danisman",
    "cagri merkezi",
    "destek",
    "support",
    "a",
):
    SPEAKER_ALIASES[fold_key(_label)] = Speaker.AGENT
for _label in ("customer", "musteri", "m", "client", "arayan", "caller", "kullanici", "user", "c"):
    SPEAKER_ALIASES[fold_key(_label)] = Speaker.CUSTOMER
for _label in ("system", "sistem", "ivr", "bot", "otomatik", "s"):
    SPEAKER_ALIASES[fold_key(_label)] = Speaker.SYSTEM

ACCEPTED_LABELS_HINT = "agent/customer/system, Temsilci/Müşteri/Sistem, Agent/Customer or T/M"


def parse_speaker(label: str, extra: dict[str, Speaker] | None = None) -> Speaker | None:
    """Map a speaker label to a :class:`Speaker`, or ``None`` when the label is unknown.

    Args:
        label: The label as written in the file ("Temsilci", "MÜŞTERİ", "agent", "T").
        extra: Additional labels (e.g. agent names) mapped by the caller; compared the same way.
    """
    key = fold_key(label)
    if extra:
        for name, speaker in extra.items():
            if fold_key(name) == key:
                return speaker
    return SPEAKER_ALIASES.get(key)
