"""Every page each role can open renders without an exception, empty and with data."""

from __future__ import annotations

import pytest
from apphelpers import ADMIN_PASSWORD, PASSWORD, TEAM_A, available_pages, fake_report, login, open_page


@pytest.mark.parametrize("username", ["admin", "derya", "leyla", "elif"])
def test_every_allowed_page_renders(seeded, username):
    seeded.store.save_call(
        seeded.admin, fake_report("a-1", "A-1042", TEAM_A, "2025-03-03T10:00:00+03:00", {}), "a.json"
    )
    at = login(username, ADMIN_PASSWORD if username == "admin" else PASSWORD)
    for page in sorted(available_pages(at)):
        open_page(at, page)
        assert not at.exception, (page, at.exception)
        assert not [e.value for e in at.error], (page, [e.value for e in at.error])
