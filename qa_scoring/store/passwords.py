"""Password policy, generation and argon2id hashing."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..turkish import fold_key
from .errors import StoreInputError

__all__ = ["MIN_LENGTH", "MAX_LENGTH", "check_password", "generate_password", "verify"]

MIN_LENGTH = 10
MAX_LENGTH = 256
_COMMON = frozenset(
    {
        "password", "password1", "password123", "1234567890", "12345678910", "0123456789", "qwertyuiop",
        "sifre12345", "parola1234", "parola12345", "sifre123456", "asdfghjklş", "abcdefghij", "administrator",
        "admin12345", "admin123456", "iloveyou12", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "galatasaray",
        "fenerbahce", "besiktas1903", "trabzonspor", "mustafakemal", "istanbul34", "turkiye1923",
    }
)  # fmt: skip
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes (l/1/I/O/0)


def check_password(password: object, username: str | None = None) -> str:
    """Return ``password`` when it meets the policy, else raise :class:`StoreInputError` (Turkish message).

    Policy: a string of 10–256 characters, not made of fewer than 5 different characters, not the username
    and not a well-known password.
    """
    if not isinstance(password, str) or not password.strip():
        raise StoreInputError(f"Parola boş olamaz; en az {MIN_LENGTH} karakterlik bir parola girin.", "password")
    if len(password) < MIN_LENGTH:
        raise StoreInputError(
            f"Parola çok kısa ({len(password)} karakter); en az {MIN_LENGTH} karakter olmalı.", "password"
        )
    if len(password) > MAX_LENGTH:
        raise StoreInputError(f"Parola çok uzun; en fazla {MAX_LENGTH} karakter olabilir.", "password")
    folded = fold_key(password)
    core = folded.strip("0123456789!.?*_-+ ")
    user_key = fold_key(username) if username else None
    if (
        len(set(password)) < 5
        or folded in _COMMON
        or core in _COMMON
        or (user_key is not None and user_key in (folded, core))
        or folded in "01234567890123456789abcdefghijklmnopqrstuvwxyz"
    ):
        raise StoreInputError(
            "Parola kolay tahmin edilir (kullanıcı adını, yaygın bir parolayı ya da tekrar eden/sıralı "
            "karakterleri içeriyor); kelime, rakam ve işaretleri karıştıran daha uzun bir parola seçin.",
            "password",
        )
    return password


def generate_password(length: int = 20) -> str:
    """A random password from an alphabet without look-alike characters (about 115 bits for 20 characters)."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


def verify(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or a damaged hash."""
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
