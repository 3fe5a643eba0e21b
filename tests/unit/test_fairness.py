"""The fairness verifier, in Python and in the browser's JavaScript, against golden vectors."""

import copy
import hashlib
import hmac
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from app.lottery import draw
from app.lottery.fairness import (
    ALGORITHM,
    MAX_PROBLEMS,
    Report,
    Stream,
    binding_commitment,
    commitment,
    commitment_bytes,
    uniform_for_draw,
    verify,
)
from tests.server import ROOT

VECTORS = json.loads(Path(__file__).with_name("fairness_vectors.json").read_text("utf-8"))
DOCUMENTS = {v["name"]: v for v in VECTORS["documents"]}
HONEST = [v["document"] for v in VECTORS["documents"] if v["expect"]["ok"]]


def test_vectors_are_for_this_algorithm():
    assert VECTORS["algorithm"] == ALGORITHM


@pytest.mark.parametrize("v", VECTORS["commitments"], ids=lambda v: v["seed"][:8])
def test_commitment(v):
    assert commitment(bytes.fromhex(v["seed"])) == v["commitment"]


@pytest.mark.parametrize("v", VECTORS["streams"], ids=lambda v: f"{v['seed'][:8]}-{v['s']}")
def test_stream(v):
    seed = bytes.fromhex(v["seed"])
    blocks = [
        hmac.new(seed, f"draw:{v['s']}:{k}".encode(), hashlib.sha256).hexdigest() for k in range(3)
    ]
    assert blocks == v["blocks"]
    stream = Stream(seed, v["s"])
    assert [str(stream.take8()) for _ in v["words"]] == v["words"]
    # The words are the blocks cut into 8-byte big-endian pieces.
    joined = bytes.fromhex("".join(v["blocks"]))
    assert [str(int.from_bytes(joined[i : i + 8], "big")) for i in range(0, 96, 8)] == v["words"]
    for n, expected in v["uniform"].items():
        stream = Stream(seed, v["s"])
        assert [str(stream.uniform(int(n))) for _ in expected] == expected, n


def test_stream_vectors_include_rejections():
    """uniform(2**63 + 1) rejects every word at or above 2**63 + 1, about half of them."""
    n = 2**63 + 1
    rejected = 0
    for v in VECTORS["streams"]:
        words = Stream(bytes.fromhex(v["seed"]), v["s"])
        accepted = []
        while len(accepted) < len(v["uniform"][str(n)]):
            x = words.take8()
            if x < n:
                accepted.append(str(x))
            else:
                rejected += 1
        assert v["uniform"][str(n)] == accepted
    assert rejected > 0


class Scripted(Stream):
    """A stream that hands out chosen words instead of HMAC output."""

    def __init__(self, words):
        super().__init__(b"", 1)
        self.words = list(words)

    def take8(self) -> int:
        return self.words.pop(0)


@pytest.mark.parametrize("n", [3, 10, 1_000_000, 2**32 + 1, 2**63 + 1, 2**64 - 1])
def test_uniform_rejects_exactly_the_words_at_or_above_the_limit(n):
    limit = (2**64 // n) * n
    assert limit < 2**64
    assert Scripted([limit - 1]).uniform(n) == (limit - 1) % n
    assert Scripted([limit, 5]).uniform(n) == 5 % n
    assert Scripted([2**64 - 1, limit, limit - 1]).uniform(n) == (limit - 1) % n


def test_uniform_of_powers_of_two_never_rejects():
    for n in (1, 2, 2**32, 2**64):
        assert Scripted([2**64 - 1]).uniform(n) == (2**64 - 1) % n


def test_uniform_stays_in_range():
    rng = random.Random(7)
    for i in range(300):
        n = rng.choice([rng.randrange(1, 100), rng.randrange(1, 2**40), rng.randrange(1, 2**64)])
        uniform = uniform_for_draw(hashlib.sha256(str(i).encode()).digest(), i + 1)
        for _ in range(5):
            assert 0 <= uniform(n) < n


@pytest.mark.parametrize("n", [0, -1, 2**64 + 1])
def test_uniform_refuses_an_empty_or_too_wide_range(n):
    with pytest.raises(ValueError):
        Stream(bytes(32), 1).uniform(n)


@pytest.mark.parametrize("v", VECTORS["ranks"], ids=lambda v: json.dumps(v["values"]))
def test_ranks(v):
    got = draw.ranks(v["values"], v["losing"])
    assert {str(n): r for n, r in got.items()} == v["ranks"]


@pytest.mark.parametrize("v", VECTORS["picks"], ids=lambda v: f"{v['total']}-{v['u']}")
def test_pick_tier(v):
    tiers = [draw.Tier(t["number"], t["rank"], t["free"]) for t in v["tiers"]]
    if v["u"] is None:
        uniform = uniform_for_draw(bytes.fromhex(v["seed"]), v["s"])
    else:

        def uniform(n):
            assert str(n) == v["total"]
            return int(v["u"])

    assert draw.pick_tier(tiers, v["tilt"], v["merit"], uniform) == v["tier"]


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_document(name):
    v = DOCUMENTS[name]
    assert verify(v["document"]) == Report(**v["expect"])


def test_the_vectors_cover_what_matters():
    """Honest documents with and without tilt, losing tiers and returns; tampering caught."""
    assert len(HONEST) >= 3
    assert any(d["tilt"] > 0 for d in HONEST)
    assert any(d["tiers"][-1]["number"] == 0 for d in HONEST)
    assert all(any(e["event"] == "return" for e in d["log"]) for d in HONEST)
    assert DOCUMENTS["tilted: draw 5 logs another tier"]["expect"]["first_bad_draw"] == 5
    for name in ("small: one changed byte of the seed", "demo: one changed byte of the seed"):
        expect = DOCUMENTS[name]["expect"]
        assert not expect["ok"] and expect["first_bad_draw"] is not None
    assert DOCUMENTS["not ended yet"]["expect"]["problems"] == ["not ended yet: nothing to verify"]


@pytest.mark.parametrize("doc", HONEST, ids=lambda d: d["campaign"])
def test_an_honest_document_passes_with_every_draw_checked(doc):
    report = verify(doc)
    assert report.ok and report.problems == [] and report.first_bad_draw is None
    assert report.checked_draws == sum(e["event"] == "draw" for e in doc["log"])


@pytest.mark.parametrize("doc", HONEST, ids=lambda d: d["campaign"])
def test_every_changed_seed_byte_breaks_the_commitment(doc):
    for i in range(32):
        seed = bytearray(bytes.fromhex(doc["seed"]))
        seed[i] ^= 0x80
        report = verify({**doc, "seed": seed.hex()})
        assert not report.ok
        assert report.problems[0].startswith("commitment: SHA-256")


@pytest.mark.parametrize("v", VECTORS["binding_commitments"], ids=lambda v: v["seed"][:8])
def test_the_binding_commitment_is_sha256_of_the_documented_bytes(v):
    seed, counts = bytes.fromhex(v["seed"]), {int(n): c for n, c in v["counts"].items()}
    assert commitment_bytes(seed, counts).decode() == v["bytes"]
    assert binding_commitment(seed, counts) == v["commitment"]
    # Any count moved from one tier to another changes the commitment.
    first, last = min(counts), max(counts)
    moved = {**counts, first: counts[first] + 1, last: counts[last] - 1}
    assert first == last or binding_commitment(seed, moved) != v["commitment"]


@pytest.mark.parametrize("doc", HONEST, ids=lambda d: d["campaign"])
def test_any_changed_draw_tier_is_the_first_bad_draw(doc):
    numbers = [t["number"] for t in doc["tiers"]]
    for event in doc["log"]:
        if event["event"] != "draw":
            continue
        for other in numbers:
            if other == event["tier"]:
                continue
            tampered = copy.deepcopy(doc)
            tampered["log"][event["seq"] - 1]["tier"] = other
            report = verify(tampered)
            assert report.first_bad_draw == event["draw"], (event, other)
            assert report.problems[0].startswith(f"draw {event['draw']} (seq {event['seq']}): ")


def test_problems_are_capped():
    report = verify(DOCUMENTS["many bad draws"]["document"])
    assert len(report.problems) == MAX_PROBLEMS + 1
    assert report.problems[-1].endswith("more problems")


def _mutations(doc, rng):
    """Yield documents with one value somewhere replaced by something of another type."""
    odd = [None, True, -1, 2.5, "x", [], {}, 10**30, "ab" * 33]
    for _ in range(400):
        d = copy.deepcopy(doc)
        target = d
        path = []
        while isinstance(target, dict | list) and target and rng.random() < 0.7:
            key = (
                rng.choice(list(target)) if isinstance(target, dict) else rng.randrange(len(target))
            )
            path.append((target, key))
            target = target[key]
        if not path:
            yield rng.choice(odd)
            continue
        parent, key = path[-1]
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[key]
        else:
            parent[key] = rng.choice(odd)
        yield d


@pytest.mark.parametrize("doc", HONEST[:2], ids=lambda d: d["campaign"])
def test_malformed_documents_give_problems_never_a_crash(doc):
    for d in _mutations(doc, random.Random(doc["campaign"])):
        report = verify(d)
        assert isinstance(report, Report)
        assert report.ok == (not report.problems)
        assert all(isinstance(p, str) and p for p in report.problems)


def test_javascript_verifier_agrees_with_the_vectors():
    """static/js/fairness.js under Node checks the very same vectors."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the JavaScript verifier is checked only with Node")
    done = subprocess.run(
        [node, str(ROOT / "tests/unit/fairness_vectors.test.js")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout


@pytest.mark.parametrize("name", ["fairness.md", "fairness.ja.md"])
def test_the_worked_example_in_the_docs_is_right(name):
    """The numbers docs/fairness.md walks through come from the 'small' golden vector."""
    text = (ROOT / "docs" / name).read_text("utf-8")
    doc = DOCUMENTS["small, tilt 0, no losing tier, with returns"]["document"]
    seed = bytes.fromhex(doc["seed"])
    assert doc["seed"] in text and doc["commitment"] in text
    counts = [7, 2, 1]
    for s in (1, 2):
        block = hmac.new(seed, f"draw:{s}:0".encode(), hashlib.sha256).hexdigest()
        total = sum(counts) * 1_000_000
        x = int(block[:16], 16)
        limit = (2**64 // total) * total
        assert x < limit
        assert all(f in text for f in (block[:16], f"{x:,}", f"{limit:,}", f"{x % total:,}"))
        assert (
            draw.pick_tier(
                [draw.Tier(n, 0, c) for n, c in zip((1, 2, 3), counts, strict=True)],
                0,
                0,
                lambda n, u=x % total: u,
            )
            == doc["log"][s - 1]["tier"]
        )
        counts[doc["log"][s - 1]["tier"] - 1] -= 1
    weights = draw.weights(
        [draw.Tier(1, 1000, 7), draw.Tier(2, 500, 2), draw.Tier(3, 0, 1)], 600, 500
    )
    assert all(f"{w:,}" in text for w in weights)
