"""The load of the cluster test and benchmark: terminals and pollers through the load balancer,
and the audit afterwards of what they were told against what the database holds."""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

from app.store import campaigns
from tests.torture.live import DOWN, FREE, GONE, VERSION, Browser, details


class TlsBrowser(Browser):
    """A terminal over HTTPS: a browser sends a Referer with each form, which CSRF checks."""

    def post(self, path, data=None, token=True, **kw):
        headers = {"Referer": f"{self.base}/c/{self.slug}", **kw.pop("headers", {})}
        return super().post(path, data, token, headers=headers, **kw)


class Load:
    """Terminals that claim and confirm, and pollers, through the load balancer."""

    def __init__(self, url: str, slug: str, sheets: int, terminals: int = 20_000):
        self.url = url
        self.slug = slug
        self.terminals = terminals
        self.view = set(range(1, sheets + 1))
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.numbers = iter(range(10**9))
        self.acknowledged: dict[str, int] = {}
        self.statuses = Counter()
        self.failed: list[tuple[float, str]] = []  # (monotonic time, what): cut off or 5xx
        self.odd: list[tuple] = []

    def run(self, clients: int, pollers: int) -> None:
        """Start `clients` terminals and `pollers` pollers, a thread each."""
        self.threads = [threading.Thread(target=self.terminal, args=(i,)) for i in range(clients)]
        self.threads += [threading.Thread(target=self.poller) for _ in range(pollers)]
        for t in self.threads:
            t.start()

    def end(self) -> None:
        """Stop every thread after the request it is making."""
        self.stop.set()
        for t in getattr(self, "threads", ()):
            t.join(60)

    def _fail(self, what: str) -> None:
        with self.lock:
            self.failed.append((time.monotonic(), what))

    def _count(self, step, reply) -> bool:
        with self.lock:
            self.statuses[step, reply.status] += 1
        if reply.status >= 500:
            self._fail(f"{step} {reply.status}")
            return False
        return True

    def terminal(self, worker: int) -> None:
        rng = random.Random(worker)
        while not self.stop.is_set():
            with self.lock:
                n = next(self.numbers)
                free = list(self.view)
            if n >= self.terminals:  # bounded in count as well as in time
                return
            if not free:
                time.sleep(0.2)
                continue
            try:
                self._one(n, rng.choice(free))
            except DOWN as exc:
                self._fail(f"terminal {type(exc).__name__}")
            except Exception as exc:  # reported at the end; the run goes on
                self.odd.append(("terminal", n, repr(exc)))

    def _one(self, n: int, tile: int) -> None:
        browser = TlsBrowser(self.url, self.slug, timeout=30)
        page = browser.request("GET", "/")
        if not self._count("home", page) or not browser.csrf:
            return
        reply = browser.claim(tile)
        if not self._count("claim", reply):
            return
        if reply.status == 409:
            with self.lock:
                self.view.discard(tile)
            return
        if reply.status == 403:  # every tile confirmed: the campaign ended itself
            time.sleep(0.2)
            return
        if reply.status != 303:
            self.odd.append(("claim", reply.status, reply.body[:200]))
            return
        with self.lock:
            self.view.discard(tile)
        reply = browser.post("/reveal")  # scratched, spun or pressed Reveal
        if not self._count("reveal", reply):
            return
        form = details(n)
        email = form["email"]
        reply = browser.confirm(**form)
        if not self._count("confirm", reply):
            return
        if reply.status == 303:
            with self.lock:
                self.acknowledged[email] = tile
        elif reply.status not in (403, 409):
            self.odd.append(("confirm", reply.status, reply.body[:200]))

    def poller(self) -> None:
        browser = TlsBrowser(self.url, self.slug, timeout=30)
        version = 0
        while not self.stop.is_set():
            try:
                reply = browser.get(f"/tiles?v={version}", headers={"HX-Request": "true"})
            except DOWN as exc:
                self._fail(f"poll {type(exc).__name__}")
                continue
            if not self._count("poll", reply):
                continue
            if reply.status == 200:
                with self.lock:
                    self.view.update(int(no) for no in FREE.findall(reply.body))
                    self.view.difference_update(int(no) for no in GONE.findall(reply.body))
                found = VERSION.search(reply.body)
                version = int(found.group(1)) if found else version
            elif reply.status != 204:
                self.odd.append(("poll", reply.status, reply.body[:200]))
            time.sleep(0.3)


@dataclass
class Audit:
    """What the database holds of a campaign's destinations, against what was acknowledged."""

    rows: list  # (e-mail, tile, prize label) of every destination
    lost: dict  # acknowledged e-mail -> its tile, where missing or on another tile
    double: int  # tiles, people and entries issued more than once


def audit(db, slug: str, acknowledged: dict[str, int]) -> Audit:
    """Compare the acknowledged confirmations with the destination list of `slug`."""
    live = campaigns.by_slug(db, slug)
    rows = db.execute(
        "SELECT d.email, d.tile_no, p.label FROM destinations d"
        " JOIN prizes p ON p.id = d.prize_id WHERE d.campaign_id = ?",
        [live.id],
    ).fetchall()
    by_email = {email: no for email, no, _ in rows}
    lost = {e: t for e, t in acknowledged.items() if by_email.get(e) != t}
    per_ticket = db.execute(
        "SELECT entry_id, count(*) FROM tiles WHERE campaign_id = ? AND entry_id IS NOT NULL"
        " GROUP BY entry_id HAVING count(*) > 1",
        [live.id],
    ).fetchall()
    tiles = len({no for _, no, _ in rows})
    double = (len(rows) - tiles) + (len(rows) - len(by_email)) + len(per_ticket)
    return Audit([tuple(r) for r in rows], lost, double)
