"""Role-play drills with the real bundled model: kind replies calm the customer and solve the problem, rude ones
escalate; reply latency is reported."""

from __future__ import annotations

import math
import time

import pytest

from qa_scoring.drills import DrillSession, Mood, load_scenarios
from qa_scoring.model.classifier import bundled_model_dir
from qa_scoring.skills import SKILL_KEYS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (bundled_model_dir() / "qa_model.json").is_file(), reason="bundled model not built"),
]

# Turkish replies the model was not trained on, written for the late-parcel scenario (one per stage, then spares).
GOOD_KARGO = [
    "Çok haklısınız, üç gün beklemek gerçekten can sıkıcı; sipariş numaranızı alabilir miyim, hemen kontrol edeyim.",
    "Teşekkür ederim Ayşe Hanım. Doğru mu anladım, 48213 numaralı gönderiniz üç gündür dağıtımda görünüyor ve "
    "kurye hiç gelmedi?",
    "Kızınızın doğum günü yaklaşırken bu gecikme çok üzücü, anlıyorum. Gönderinizi öncelikli dağıtıma aldım, yarın "
    "öğlene kadar kurye adresinize teslim edecek.",
    "Kurye yola çıkınca size SMS ile bilgi gelecek, ben de gönderinizi bizzat takip edeceğim. Başka yardımcı "
    "olabileceğim bir konu var mı?",
    "Endişenizi çok iyi anlıyorum; gönderiniz yarın öğlene kadar elinizde olacak, süreci ben takip ediyorum.",
    "Sabrınız için çok teşekkür ederim, size SMS ile bilgi vereceğiz. İyi günler dilerim.",
]
RUDE = [
    "Bana bağırmayın, kuralları ben koymadım.",
    "Ne yapayım, bekleyeceksiniz.",
    "Kaç kere söyleyeceğim, sistem böyle.",
    "Abartıyorsunuz, herkesin kargosu gecikiyor.",
    "Yapacak bir şey yok, bekleyin işte.",
    "Sadede gelin, sırada müşteri var.",
]
# written without Turkish letters, as trainees type in a hurry
GOOD_ASCII = [
    "cok haklisiniz, 70 dakika beklemek ve yemegin soguk gelmesi gercekten can sikici. siparis numaranizi alabilir "
    "miyim?",
    "tesekkurler Selin Hanim, dogru mu anladim: 3310-884 numarali sipariste ayran eksik ve yemek soguk gelmis.",
    "nobetteyken ac kalmaniz cok uzucu. siparis tutarinin tamamini kartiniza iade ediyorum, 2 is gunu icinde "
    "hesabinizda olur.",
    "iade icin size sms ile bilgi gelecek, restorana da geri bildirim ilettim. iyi nobetler dilerim.",
    "anliyorum, iade tutarin tamami kartiniza yatacak; baska yardimci olabilecegim bir konu var mi?",
    "sabriniz icin tesekkur ederim, iyi gunler dilerim.",
]


@pytest.fixture(scope="module")
def classifier():
    from qa_scoring.model.classifier import TurnClassifier

    return TurnClassifier.from_pretrained()


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


def play(scenario, classifier, replies, seed: int = 11) -> DrillSession:
    session = DrillSession(scenario, classifier, trainee="test", seed=seed)
    for text in replies:
        if session.finished:
            break
        session.reply(text)
    return session


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(0.95 * len(ordered))) - 1]


def test_kind_drill_resolves_and_beats_a_rude_one(scenarios, classifier) -> None:
    scenario = scenarios["kargo-gecikme"]
    good = play(scenario, classifier, GOOD_KARGO)
    rude = play(scenario, classifier, RUDE)
    assert good.outcome == "resolved", [(r.text, r.labels, r.mood_after.key, r.stage_after) for r in good.replies]
    assert good.mood < scenario.starting_mood or good.mood is Mood.CALM
    assert rude.outcome == "escalated", [(r.text, r.labels, r.mood_after.key) for r in rude.replies]
    assert max(rude.mood_path) is Mood.FURIOUS
    assert good.mood < rude.mood
    g, r = good.summary(), rude.summary()
    assert g.overall > r.overall + 30, (g.skill_scores, r.skill_scores)
    for key in ("respect", "empathy"):
        assert g.skill_scores[key] > r.skill_scores[key], (key, g.skill_scores, r.skill_scores)
    assert g.best_reply["turn"] in range(1, good.turn + 1)
    assert r.worst_reply["better"].startswith("Şöyle deneyebilirsiniz:")
    assert any(c.status == "warn" for reply in rude.replies for c in reply.chips)


def test_kind_replies_without_turkish_letters_also_resolve(scenarios, classifier) -> None:
    scenario = scenarios["yemek-siparisi"]
    good = play(scenario, classifier, GOOD_ASCII)
    assert good.outcome == "resolved", [(r.text, r.labels, r.mood_after.key, r.stage_after) for r in good.replies]
    assert good.summary().overall >= 60


def test_reply_latency_is_reported(scenarios, classifier) -> None:
    latencies: list[float] = []
    started = time.perf_counter()
    for name, replies in (("kargo-gecikme", GOOD_KARGO), ("kargo-gecikme", RUDE), ("yemek-siparisi", GOOD_ASCII)):
        for seed in (1, 2):
            session = play(scenarios[name], classifier, replies, seed=seed)
            latencies += [r.latency_ms for r in session.replies]
    wall = time.perf_counter() - started
    assert len(latencies) >= 20
    p95 = _p95(latencies)
    print(
        f"\ndrill reply latency over {len(latencies)} replies: p95 {p95:.0f} ms, "
        f"median {sorted(latencies)[len(latencies) // 2]:.0f} ms, max {max(latencies):.0f} ms ({wall:.1f} s in all)"
    )
    assert p95 < 3000  # a loose bound: the test machine is shared; the budget for the app is well under 1 s


def test_every_reply_carries_five_chips_and_a_tip(scenarios, classifier) -> None:
    session = play(scenarios["kargo-gecikme"], classifier, GOOD_KARGO[:2] + RUDE[:1])
    for reply in session.replies:
        assert [c.key for c in reply.chips] == list(SKILL_KEYS)
        assert reply.tip and "\n" not in reply.tip
