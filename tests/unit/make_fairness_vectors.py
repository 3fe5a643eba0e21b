"""Write tests/unit/fairness_vectors.json: golden vectors for both fairness verifiers.

Run once, by hand, when the algorithm is first published (never by the test suite):

    .venv/bin/python -m tests.unit.make_fairness_vectors

Every seed is derived from a fixed phrase, so running it again writes the same file. A
changed file means the algorithm changed: that is a new `ALGORITHM` version, not an update.
"""

import copy
import hashlib
import hmac
import json
import random
import sys
from pathlib import Path

from app.lottery import draw
from app.lottery.fairness import (
    ALGORITHM,
    ALGORITHM_V2,
    Stream,
    binding_commitment,
    commitment,
    commitment_bytes,
    uniform_for_draw,
    verify,
)

OUT = Path(__file__).with_name("fairness_vectors.json")
STREAM_NS = [1, 2, 3, 10, 1_000_000, 2**32 + 1, 2**63 + 1, 2**64 - 1, 2**64]


def seed_of(phrase: str) -> bytes:
    return hashlib.sha256(phrase.encode()).digest()


def streams() -> list[dict]:
    """The HMAC blocks, the raw 8-byte words and uniform(n) for a few seeds and draws."""
    out = []
    for phrase, s in (("stream a", 1), ("stream a", 2), ("stream b", 1), ("stream b", 1000)):
        seed = seed_of(phrase)
        blocks = [
            hmac.new(seed, f"draw:{s}:{k}".encode(), hashlib.sha256).hexdigest() for k in range(3)
        ]
        raw = Stream(seed, s)
        words = [str(raw.take8()) for _ in range(12)]
        uniforms = {}
        for n in STREAM_NS:
            stream = Stream(seed, s)
            uniforms[str(n)] = [str(stream.uniform(n)) for _ in range(6)]
        out.append(
            {"seed": seed.hex(), "s": s, "blocks": blocks, "words": words, "uniform": uniforms}
        )
    return out


def commitments() -> list[dict]:
    seeds = [bytes(32), bytes(range(32)), b"\xff" * 32, seed_of("commitment")]
    return [{"seed": s.hex(), "commitment": commitment(s)} for s in seeds]


def binding_commitments() -> list[dict]:
    """kuji-draw-v2: the exact bytes hashed (as text) and the commitment, for a few breakdowns."""
    cases = [
        (bytes(32), {1: 1}),
        (bytes(range(32)), {1: 70, 2: 20, 3: 10}),
        (seed_of("binding"), {1: 3, 2: 4, 0: 5}),
        (b"\xff" * 32, {2: 0, 1: 100000, 0: 12}),
    ]
    return [
        {
            "seed": seed.hex(),
            "counts": {str(n): c for n, c in counts.items()},
            "bytes": commitment_bytes(seed, counts).decode("ascii"),
            "commitment": binding_commitment(seed, counts),
        }
        for seed, counts in cases
    ]


def rank_cases() -> list[dict]:
    cases = [
        ([25, 20, 10], False),
        ([25, 20, 10], True),
        ([10, 20, 10, 30], True),  # equal values: the earlier tier ranks better
        ([7, 7, 7], False),
        ([500], False),  # a lone tier has rank 0
        ([500], True),
        ([], True),
        ([1, 2, 3, 4, 5, 6, 7], True),
        ([100, -5, 0], False),
    ]
    return [
        {
            "values": values,
            "losing": losing,
            "ranks": {str(n): r for n, r in draw.ranks(values, losing).items()},
        }
        for values, losing in cases
    ]


def pick_cases() -> list[dict]:
    """pick_tier with a given u, and with u drawn from a seed, at the edges of each weight."""
    pools = [
        ([(1, 1000, 7), (2, 500, 2), (3, 0, 1)], 0, 0),
        ([(1, 1000, 7), (2, 666, 2), (3, 333, 1), (0, 0, 5)], 0, 900),
        ([(1, 1000, 7), (2, 666, 2), (3, 333, 1), (0, 0, 5)], 1000, 1000),
        ([(1, 1000, 0), (2, 666, 2), (3, 333, 0), (0, 0, 5)], 250, 40),
        ([(0, 0, 3), (2, 500, 1), (1, 1000, 1)], 10, 10),  # given out of walk order
    ]
    out = []
    for spec, tilt, merit in pools:
        tiers = [draw.Tier(n, r, f) for n, r, f in spec]
        w = draw.weights(sorted(tiers, key=lambda t: (t.number == 0, t.number)), tilt, merit)
        total = sum(w)
        edges = sorted({0, total - 1, *(sum(w[: i + 1]) for i in range(len(w)))} - {total})
        for u in edges + [None]:
            seed = seed_of(f"pick {len(out)}")
            uniform = uniform_for_draw(seed, 1) if u is None else (lambda n, u=u: u)
            out.append(
                {
                    "tiers": [{"number": n, "rank": r, "free": f} for n, r, f in spec],
                    "tilt": tilt,
                    "merit": merit,
                    "total": str(total),
                    "u": None if u is None else str(u),
                    "seed": seed.hex() if u is None else None,
                    "s": 1 if u is None else None,
                    "tier": draw.pick_tier(tiers, tilt, merit, uniform),
                }
            )
    return out


def campaign(name, prizes, losing, tilt, steps, returns, merits=(0,), algorithm=ALGORITHM) -> dict:
    """Play a campaign as the store would and return its ended fairness document."""
    seed = seed_of(f"campaign {name}")
    rng = random.Random(name)  # noqa: S311 - picks which holder returns, not a draw
    values = [v for _, v, _, _ in prizes]
    rank = draw.ranks(values, losing > 0)
    tiers = [
        {"number": i, "label": label, "value": value, "unit": unit, "count": count, "rank": rank[i]}
        for i, (label, value, unit, count) in enumerate(prizes, 1)
    ]
    if losing:
        tiers.append(
            {"number": 0, "label": "losing", "value": 0, "unit": None, "count": losing, "rank": 0}
        )
    free = {t["number"]: t["count"] for t in tiers}
    held: dict[int, int] = {}  # issue_no → tier
    tiles = list(range(1, sum(free.values()) + 1))
    log, s = [], 0
    for step in range(steps):
        if held and (rng.random() < returns or not any(free.values())):
            issue_no = rng.choice(sorted(held))
            tier = held.pop(issue_no)
            free[tier] += 1
            tiles.append(issue_no)
            log.append(
                {"seq": len(log) + 1, "draw": None, "event": "return", "tier": tier,
                 "merit": None, "issue_no": issue_no}
            )  # fmt: skip
            continue
        if not any(free.values()):
            break
        s += 1
        merit = merits[step % len(merits)]
        pool = [draw.Tier(t["number"], t["rank"], free[t["number"]]) for t in tiers]
        tier = draw.pick_tier(pool, tilt, merit, uniform_for_draw(seed, s))
        free[tier] -= 1
        issue_no = tiles.pop(rng.randrange(len(tiles)))
        held[issue_no] = tier
        log.append(
            {"seq": len(log) + 1, "draw": s, "event": "draw", "tier": tier, "merit": merit,
             "issue_no": issue_no}
        )  # fmt: skip
    counts = {t["number"]: t["count"] for t in tiers}
    return {
        "algorithm": algorithm,
        "campaign": name,
        "commitment": (
            binding_commitment(seed, counts) if algorithm == ALGORITHM_V2 else commitment(seed)
        ),
        "seed": seed.hex(),
        "tilt": tilt,
        "ended": True,
        "tiers": tiers,
        "log": log,
    }


def pct(value: int, count: int) -> tuple:
    return (f"{value} % off", value, "percent", count)


def documents() -> list[dict]:
    """Honest documents, tampered ones and malformed ones, each with its expected report."""
    small = campaign("small", [pct(25, 7), pct(20, 2), pct(10, 1)], 0, 0, 14, 0.15)
    losing = campaign(
        "losing", [pct(30, 3), ("500 yen", 500, "yen", 4)], 5, 0, 20, 0.2
    )  # fmt: skip
    tilted = campaign(
        "tilted",
        [pct(10, 6), pct(40, 2), ("100 points", 100, "points", 3), pct(10, 4)],
        8,
        600,
        40,
        0.15,
        merits=(1000, 0, 250, 999, 500),
    )
    demo = campaign("demo", [pct(25, 70), pct(20, 20), pct(10, 10)], 0, 0, 115, 0.08)
    cases = [
        ("small, tilt 0, no losing tier, with returns", small),
        ("losing tier, tilt 0, with returns", losing),
        ("tilt 600, merits 0..1000, equal values, losing tier, with returns", tilted),
        ("the demo breakdown, 100 sheets", demo),
    ]
    for label, doc in list(cases):
        assert any(e["event"] == "return" for e in doc["log"]), label
        assert verify(doc).ok, label

    def changed(doc, change):
        doc = copy.deepcopy(doc)
        change(doc)
        return doc

    def seed_byte(doc, index):
        seed = bytearray(bytes.fromhex(doc["seed"]))
        seed[index] ^= 0x01
        doc["seed"] = seed.hex()

    def draw_event(doc, s):
        return next(e for e in doc["log"] if e["draw"] == s)

    def other_tier(doc, s):
        event = draw_event(doc, s)
        event["tier"] = next(t["number"] for t in doc["tiers"] if t["number"] != event["tier"])

    not_ended = changed(small, lambda d: d.update(seed=None, log=None, ended=False))
    cases += [
        ("not ended yet", not_ended),
        ("small: one changed byte of the seed", changed(small, lambda d: seed_byte(d, 0))),
        ("demo: one changed byte of the seed", changed(demo, lambda d: seed_byte(d, 31))),
        ("tilted: draw 5 logs another tier", changed(tilted, lambda d: other_tier(d, 5))),
        ("losing: draw 9 logs another tier", changed(losing, lambda d: other_tier(d, 9))),
        (
            "tilted: a merit changed",
            changed(tilted, lambda d: draw_event(d, 3).update(merit=0)),
        ),
        ("demo: an event deleted", changed(demo, lambda d: d["log"].pop(20))),
        (
            "small: a return that exceeds the count",
            changed(
                small,
                lambda d: d["log"].append(
                    {"seq": len(d["log"]) + 1, "draw": None, "event": "return", "tier": 3,
                     "merit": None, "issue_no": 99}
                ),  # fmt: skip
            ),
        ),
        ("small: a rank changed", changed(small, lambda d: d["tiers"][1].update(rank=900))),
        ("small: commitment changed", changed(small, lambda d: d.update(commitment="0" * 64))),
        ("losing: merit 1001", changed(losing, lambda d: draw_event(d, 2).update(merit=1001))),
        ("losing: seq skips", changed(losing, lambda d: d["log"][4].update(seq=7))),
        ("losing: unknown event", changed(losing, lambda d: d["log"][3].update(event="swap"))),
        ("losing: unknown tier", changed(losing, lambda d: draw_event(d, 4).update(tier=9))),
        ("small: draw number wrong", changed(small, lambda d: draw_event(d, 6).update(draw=60))),
    ]  # fmt: skip
    malformed = [
        ("not an object", [1, 2, 3]),
        ("no keys", {}),
        ("unknown algorithm", changed(small, lambda d: d.update(algorithm="kuji-draw-v9"))),
        ("odd-length hex seed", changed(small, lambda d: d.update(seed=d["seed"][:-1]))),
        ("uppercase hex seed", changed(small, lambda d: d.update(seed=d["seed"].upper()))),
        ("seed is a number", changed(small, lambda d: d.update(seed=12345))),
        ("commitment not hex", changed(small, lambda d: d.update(commitment="z" * 64))),
        ("tilt a string", changed(small, lambda d: d.update(tilt="0"))),
        ("tilt too large", changed(small, lambda d: d.update(tilt=1001))),
        ("tilt true", changed(small, lambda d: d.update(tilt=True))),
        ("tiers empty", changed(small, lambda d: d.update(tiers=[]))),
        ("tiers not a list", changed(small, lambda d: d.update(tiers={"1": 2}))),
        ("a tier not an object", changed(small, lambda d: d["tiers"].__setitem__(1, "tier"))),
        ("a tier without a count", changed(small, lambda d: d["tiers"][0].pop("count"))),
        ("a negative count", changed(small, lambda d: d["tiers"][2].update(count=-1))),
        ("a fractional value", changed(small, lambda d: d["tiers"][0].update(value=2.5))),
        ("a whole float count", changed(small, lambda d: d["tiers"][0].update(count=7.0))),
        ("tiers out of order", changed(small, lambda d: d["tiers"].reverse())),
        ("log null after the end", changed(small, lambda d: d.update(log=None))),
        ("log an object", changed(small, lambda d: d.update(log={"seq": 1}))),
        ("an event not an object", changed(small, lambda d: d["log"].__setitem__(2, None))),
        ("an event without keys", changed(small, lambda d: d["log"].__setitem__(2, {}))),
        ("weight over 2**64", changed(small, lambda d: d["tiers"][0].update(count=2**52))),
        ("many bad draws", changed(demo, lambda d: [e.update(tier=3) for e in d["log"]])),
    ]  # fmt: skip
    bound = campaign(
        "bound", [pct(30, 3), ("500 yen", 500, "yen", 4)], 5, 0, 20, 0.2, algorithm=ALGORITHM_V2
    )
    assert verify(bound).ok

    def move_count(doc):
        doc["tiers"][0]["count"] += 1
        doc["tiers"][-1]["count"] -= 1

    binding = [
        ("v2: seed and counts committed together", bound),
        ("v2: one lost ticket became a 30 % coupon", changed(bound, move_count)),
        ("v2: one changed byte of the seed", changed(bound, lambda d: seed_byte(d, 7))),
        ("v2: counts before the end are hidden", changed(bound, lambda d: d.update(
            seed=None, tilt=None, tiers=None, log=None, ended=False))),
    ]  # fmt: skip
    out = []
    for label, doc in cases + malformed + binding:
        report = verify(doc)
        out.append(
            {
                "name": label,
                "document": doc,
                "expect": {
                    "ok": report.ok,
                    "checked_draws": report.checked_draws,
                    "problems": report.problems,
                    "first_bad_draw": report.first_bad_draw,
                },
            }
        )
    byname = {v["name"]: v["expect"] for v in out}
    assert byname["tilted: draw 5 logs another tier"]["first_bad_draw"] == 5
    assert byname["losing: draw 9 logs another tier"]["first_bad_draw"] == 9
    for name in ("small: one changed byte of the seed", "demo: one changed byte of the seed"):
        assert byname[name]["first_bad_draw"] is not None, name
        assert byname[name]["problems"][0].startswith("commitment: SHA-256(seed) is "), name
    assert byname["many bad draws"]["problems"][-1].endswith("more problems")
    moved = byname["v2: one lost ticket became a 30 % coupon"]["problems"][0]
    assert moved.startswith("commitment: SHA-256 of the seed and the tier counts is "), moved
    return out


def build() -> dict:
    return {
        "algorithm": ALGORITHM,
        "about": "Golden vectors for app/lottery/fairness.py and static/js/fairness.js. "
        "Integers that may pass 2**53 are decimal strings.",
        "streams": streams(),
        "commitments": commitments(),
        "algorithm_v2": ALGORITHM_V2,
        "binding_commitments": binding_commitments(),
        "ranks": rank_cases(),
        "picks": pick_cases(),
        "documents": documents(),
    }


def main() -> None:
    text = json.dumps(build(), ensure_ascii=False, indent=1) + "\n"
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
