import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.web import limiting


def test_swept_storage_counts_like_memory():
    limiter = FixedWindowRateLimiter(storage_from_string("memory-swept://"))
    three = parse("3 per minute")
    assert [limiter.hit(three, "claim", "10.0.0.1") for _ in range(4)] == [True] * 3 + [False]
    assert limiter.hit(three, "claim", "10.0.0.2")  # another address counts apart


def test_swept_storage_starts_no_thread_per_hit(monkeypatch):
    storage = storage_from_string("memory-swept://")
    time.sleep(0.02)  # memory:// would start a thread on the next hit after 10 quiet ms
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    for n in range(50):
        storage.incr(f"key-{n}", expiry=60)
    assert started == []
    assert storage.get("key-7") == 1


def test_expired_keys_are_swept_by_a_later_hit(monkeypatch):
    monkeypatch.setattr(limiting, "SWEEP_SECONDS", 0.0)
    storage = storage_from_string("memory-swept://")
    storage.incr("gone", expiry=0.01)
    time.sleep(0.05)
    storage.incr("other", expiry=60)
    assert "gone" not in storage.storage
    assert storage.get("other") == 1
