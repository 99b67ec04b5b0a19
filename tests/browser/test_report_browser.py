"""The batch's Turkish HTML reports as a reviewer sees them in a real browser."""

from __future__ import annotations

from qa_scoring.batch import run_batch
from tests.fakes import fake_scorer
from tests.unit.test_batch import make_inputs


def test_summary_links_to_a_scorecard_with_highlighted_evidence(tmp_path, page, artifacts_dir):
    make_inputs(tmp_path / "in", 6, 1)
    run_batch([tmp_path / "in"], tmp_path / "out", fake_scorer, progress=False, html=True)

    page.goto((tmp_path / "out" / "report.html").as_uri())
    assert page.locator("h1").inner_text() == "Toplu değerlendirme özeti"
    assert page.get_by_text("Beceri bazında seviye dağılımı").is_visible()
    assert page.locator("svg").count() >= 5  # one distribution chart per skill
    page.screenshot(path=str(artifacts_dir / "rapor-ozet.png"), full_page=True)

    page.get_by_role("link", name="c0002").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Çağrı değerlendirmesi: c0002"
    rows = page.locator("table").first.locator("tr")
    assert rows.count() == 6  # header + five skills, with Turkish names
    assert "Empati" in rows.nth(3).inner_text()
    raised = page.locator("div.turn.agent.up").first
    assert raised.is_visible()
    # evidence that raised a level is shown on a green background, in the transcript the reviewer reads
    assert raised.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(236, 253, 243)"
    assert "KT-2" in page.locator("#transcript, body").first.inner_text()
    page.screenshot(path=str(artifacts_dir / "rapor-cagri.png"), full_page=True)
