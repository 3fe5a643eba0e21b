"""Provable fairness: a committed secret seed is the only source of randomness.

Draw number s reads the byte stream HMAC-SHA256(seed, "draw:{s}:{k}") for k = 0, 1, …;
docs/fairness.md describes it for anyone who wants to check a campaign after it ends.
"""

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field

from . import draw

ALGORITHM = "kuji-draw-v1"
# The same draws; the commitment binds the tier counts too, so they may stay secret until
# the end and still be proven unchanged (docs/fairness.md, "The commitment").
ALGORITHM_V2 = "kuji-draw-v2"
ALGORITHMS = (ALGORITHM, ALGORITHM_V2)
SEED_BYTES = 32
_SPAN = 2**64


def new_seed() -> bytes:
    """Return a fresh secret seed."""
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    """Return SHA-256(seed) in lowercase hex: published before the first draw."""
    return hashlib.sha256(seed).hexdigest()


def commitment_bytes(seed: bytes, counts: dict[int, int]) -> bytes:
    """Return the exact bytes a kuji-draw-v2 commitment hashes: algorithm, seed, counts.

    Three lines of ASCII, each ending in a line feed: the algorithm name, the seed in
    lowercase hex, and every tier as "number=count", by number ascending, joined by commas.
    """
    tiers = ",".join(f"{n}={counts[n]}" for n in sorted(counts))
    return f"{ALGORITHM_V2}\n{seed.hex()}\n{tiers}\n".encode("ascii")


def binding_commitment(seed: bytes, counts: dict[int, int]) -> str:
    """Return SHA-256 of commitment_bytes() in lowercase hex: binds the seed and the counts."""
    return hashlib.sha256(commitment_bytes(seed, counts)).hexdigest()


class Stream:
    """The bytes of draw number `s`, handed out eight at a time."""

    def __init__(self, seed: bytes, s: int):
        self.seed = seed
        self.s = s
        self.block = 0
        self.buffer = b""

    def take8(self) -> int:
        """Return the next 8 bytes as a big-endian integer."""
        if len(self.buffer) < 8:
            message = f"draw:{self.s}:{self.block}".encode()
            self.buffer += hmac.new(self.seed, message, hashlib.sha256).digest()
            self.block += 1
        chunk, self.buffer = self.buffer[:8], self.buffer[8:]
        return int.from_bytes(chunk, "big")

    def uniform(self, n: int) -> int:
        """Return an integer in [0, n) with no modulo bias (rejection sampling)."""
        if not 0 < n <= _SPAN:
            raise ValueError(f"n must be 1..2**64, not {n}")
        limit = (_SPAN // n) * n
        while True:
            x = self.take8()
            if x < limit:
                return x % n


def uniform_for_draw(seed: bytes, s: int):
    """Return uniform(n) for draw number `s` (1, 2, … in commit order)."""
    return Stream(seed, s).uniform


# --- The verifier: replays a published fairness document ----------------------------------
# static/js/fairness.js is the same verifier for browsers; tests/unit/fairness_vectors.json
# keeps the two in step, message for message.

MAX_PROBLEMS = 20
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SAFE = 2**53 - 1  # the largest integer a browser's JSON keeps exactly


@dataclass
class Report:
    """What verifying a fairness document found."""

    ok: bool
    checked_draws: int
    problems: list[str] = field(default_factory=list)
    first_bad_draw: int | None = None


class _Problems:
    """Problems in the order found; past MAX_PROBLEMS only counted."""

    def __init__(self):
        self.lines: list[str] = []
        self.more = 0

    def add(self, line: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            self.lines.append(line)
        else:
            self.more += 1

    def done(self) -> list[str]:
        if self.more:
            return [*self.lines, f"and {self.more} more problems"]
        return list(self.lines)


def _show(value) -> str:
    """Return `value` as JSON text, as JavaScript's JSON.stringify writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _integer(value) -> int | None:
    """Return `value` as an int when JSON gave a whole number a browser holds exactly."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and -_SAFE <= value <= _SAFE:
        return value
    return None


def _integer_in(value, low: int, high: int) -> int | None:
    number = _integer(value)
    return number if number is not None and low <= number <= high else None


def verify(document) -> Report:
    """Replay a fairness document: the commitment, the ranks and every draw from the seed."""
    problems = _Problems()
    checked, first_bad = _verify(document, problems)
    lines = problems.done()
    return Report(ok=not lines, checked_draws=checked, problems=lines, first_bad_draw=first_bad)


def _verify(doc, problems: _Problems) -> tuple[int, int | None]:
    if not isinstance(doc, dict):
        problems.add("the document is not a JSON object")
        return 0, None
    for key in ("algorithm", "commitment", "seed", "tilt", "tiers", "log"):
        if key not in doc:
            problems.add(f"{key}: missing")
    if problems.lines:
        return 0, None
    if doc["algorithm"] not in ALGORITHMS:
        known = ", ".join(ALGORITHMS)
        problems.add(f"algorithm: unknown {_show(doc['algorithm'])}, this verifier knows {known}")
        return 0, None
    if doc["seed"] is None:
        problems.add("not ended yet: nothing to verify")
        return 0, None
    seed_hex, published = doc["seed"], doc["commitment"]
    if not isinstance(seed_hex, str) or not _HEX64.fullmatch(seed_hex):
        problems.add("seed: not 64 lowercase hexadecimal digits")
    if not isinstance(published, str) or not _HEX64.fullmatch(published):
        problems.add("commitment: not 64 lowercase hexadecimal digits")
    tilt = _integer_in(doc["tilt"], 0, draw.MAX_TILT)
    if tilt is None:
        problems.add(f"tilt: {_show(doc['tilt'])} is not an integer in 0..{draw.MAX_TILT}")
    fatal = bool(problems.lines)
    tiers = _tiers(doc["tiers"], problems)
    log = doc["log"]
    if log is None:
        problems.add("log: missing although the seed is published")
    elif not isinstance(log, list):
        problems.add("log: not a list")
    if fatal or tiers is None or not isinstance(log, list):
        return 0, None
    seed = bytes.fromhex(seed_hex)
    if doc["algorithm"] == ALGORITHM_V2:
        actual = binding_commitment(seed, {n: row[0] for n, row in tiers.items()})
        if actual != published:
            problems.add(
                f"commitment: SHA-256 of the seed and the tier counts is {actual},"
                f" not the published {published}"
            )
    elif commitment(seed) != published:
        problems.add(
            f"commitment: SHA-256(seed) is {commitment(seed)}, not the published {published}"
        )
    return _replay(seed, tilt, tiers, log, problems)


def _tiers(tiers, problems: _Problems) -> dict[int, list[int]] | None:
    """Check the tier table; return {number: [count, rank, value]} in walk order, or None."""
    if not isinstance(tiers, list) or not tiers:
        problems.add("tiers: not a non-empty list")
        return None
    table: dict[int, list[int]] = {}
    before = len(problems.lines) + problems.more
    for i, tier in enumerate(tiers):
        if not isinstance(tier, dict):
            problems.add(f"tiers[{i}]: not an object")
            continue
        fields = {}
        for key, low in (("number", 0), ("value", -_SAFE), ("count", 0), ("rank", 0)):
            if key not in tier:
                problems.add(f"tiers[{i}].{key}: missing")
                continue
            fields[key] = _integer_in(tier[key], low, _SAFE)
            if fields[key] is None:
                kind = "an integer" if key == "value" else "an integer ≥ 0"
                problems.add(f"tiers[{i}].{key}: {_show(tier[key])} is not {kind}")
        if len(fields) == 4 and None not in fields.values():
            table[fields["number"]] = [fields["count"], fields["rank"], fields["value"]]
    if len(problems.lines) + problems.more > before:
        return None
    numbers = [_integer(t["number"]) for t in tiers]
    losing = draw.LOSING in numbers
    k = len(numbers) - losing
    if numbers != [*range(1, k + 1), *([draw.LOSING] if losing else [])]:
        problems.add(f"tiers: numbered {_show(numbers)}, not 1, 2, … then 0")
        return None
    # A wrong rank is reported, and the draws are replayed with the rule's ranks.
    expected = draw.ranks([table[n][2] for n in range(1, k + 1)], losing)
    for n, row in table.items():
        if row[1] != expected[n]:
            problems.add(f"tier {n}: rank {row[1]}, expected {expected[n]}")
            row[1] = expected[n]
    return table


def _replay(seed: bytes, tilt: int, tiers, log: list, problems: _Problems):
    """Replay every event; return (draws checked, first draw that failed)."""
    free = {n: count for n, (count, _, _) in tiers.items()}
    out: dict[int, int] = {}  # issue no. → the tier drawn on it, until it is returned
    s = 0
    first_bad = None
    for i, event in enumerate(log):
        q = i + 1
        if not isinstance(event, dict):
            problems.add(f"seq {q}: not an object")
            continue
        found = []
        if _integer(event.get("seq")) != q:
            found.append(f"seq {q}: seq is {_show(event.get('seq'))}, expected {q}")
        kind = event.get("event")
        tier = _integer(event.get("tier"))
        if kind == "draw":
            s += 1
            found += _check_draw(seed, tilt, tiers, free, s, q, event, tier)
            found += _take_issue(out, f"draw {s} (seq {q})", event, tier)
            if found and first_bad is None:
                first_bad = s
        elif kind == "return":
            found += _check_return(tiers, free, q, event, tier)
            found += _give_back_issue(out, q, event, tier)
        else:
            found.append(f"seq {q}: unknown event {_show(kind)}")
        for line in found:
            problems.add(line)
    return s, first_bad


def _check_draw(seed, tilt, tiers, free, s, q, event, tier) -> list[str]:
    where = f"draw {s} (seq {q})"
    found = []
    if _integer(event.get("draw")) != s:
        found.append(f"{where}: draw number is {_show(event.get('draw'))}, expected {s}")
    if tier not in tiers:
        found.append(f"{where}: unknown tier {_show(event.get('tier'))}")
    merit = _integer_in(event.get("merit"), 0, draw.MAX_MERIT)
    if merit is None:
        found.append(f"{where}: merit {_show(event.get('merit'))} is not an integer in 0..1000")
    else:
        pool = [draw.Tier(n, rank, free[n]) for n, (_, rank, _) in tiers.items()]
        try:
            got = draw.pick_tier(pool, tilt, merit, uniform_for_draw(seed, s))
        except draw.EmptyPool:
            found.append(f"{where}: no sheet remained to draw")
        except ValueError:
            found.append(f"{where}: the total weight exceeds 2**64")
        else:
            if got != tier:
                found.append(
                    f"{where}: logged tier {_show(event.get('tier'))}, the seed gives tier {got}"
                )
    if tier in tiers:
        if free[tier] == 0:
            found.append(f"{where}: tier {tier} had no free sheet left")
        else:
            free[tier] -= 1
    return found


def _check_return(tiers, free, q, event, tier) -> list[str]:
    found = []
    if event.get("draw") is not None:
        found.append(f"seq {q}: a return has draw number {_show(event.get('draw'))}, expected null")
    if tier not in tiers:
        found.append(f"seq {q}: return of unknown tier {_show(event.get('tier'))}")
    elif free[tier] >= tiers[tier][0]:
        found.append(f"seq {q}: return of tier {tier} would exceed its count {tiers[tier][0]}")
    else:
        free[tier] += 1
    return found


def _take_issue(out: dict, where: str, event, tier) -> list[str]:
    issue = _integer(event.get("issue_no"))
    if issue is None:
        return [f"{where}: issue number {_show(event.get('issue_no'))} is not an integer"]
    if issue in out:
        return [f"{where}: issue {issue} was drawn while still out"]
    out[issue] = tier
    return []


def _give_back_issue(out: dict, q: int, event, tier) -> list[str]:
    issue = _integer(event.get("issue_no"))
    if issue not in out:
        return [f"seq {q}: return of issue {_show(event.get('issue_no'))}, which is not out"]
    drawn = out.pop(issue)
    if drawn != tier:
        shown = _show(event.get("tier"))
        return [f"seq {q}: return of tier {shown} for issue {issue}, which drew tier {drawn}"]
    return []
