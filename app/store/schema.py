"""Schema as named migrations: applied once, never edited after release.

One list of names for both engines: SQLite runs the functions below (sqlite-utils'
Migrations); PostgreSQL runs the file of the same name in migrations/postgres/, or, for a
migration marked @both_engines (plain SQL both run, data rewritten in Python), the same
function. A test checks that the two lists name the same migrations, in the same order.
"""

import tomllib
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database, Migrations

from app.lottery.conditions import ConditionsError, parse_conditions
from app.lottery.draw import ranks
from app.lottery.ecoupons import ISSUES
from app.lottery.fairness import commitment, new_seed
from app.lottery.settings import Settings, settings_of, to_json

from .db import engine, immediate

migrations = Migrations("kuji")
POSTGRES = Path(__file__).parent / "migrations" / "postgres"


@migrations()
def m001_open_board(db: Database) -> None:
    _run(
        db,
        """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        goods TEXT NOT NULL,
        opens TEXT NOT NULL,
        closes TEXT NOT NULL,
        hold_minutes INTEGER NOT NULL,
        losing INTEGER NOT NULL,
        sheets INTEGER NOT NULL,
        conditions TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE prizes (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        value INTEGER NOT NULL,
        unit TEXT NOT NULL,
        count INTEGER NOT NULL,
        UNIQUE (campaign_id, position)
    );
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        ticket_no INTEGER NOT NULL,
        holder TEXT NOT NULL,
        state TEXT NOT NULL
            CHECK (state IN ('held', 'confirmed', 'cancelled', 'expired', 'lost')),
        created_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE tickets (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        no INTEGER NOT NULL,
        prize_id INTEGER REFERENCES prizes(id),
        draw_order INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'free'
            CHECK (state IN ('free', 'held', 'confirmed', 'lost')),
        entry_id INTEGER UNIQUE REFERENCES entries(id),
        held_until TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, no),
        UNIQUE (campaign_id, draw_order),
        CHECK ((state = 'free') = (entry_id IS NULL))
    );
    CREATE INDEX tickets_free ON tickets (campaign_id, draw_order) WHERE state = 'free';
    CREATE INDEX tickets_held ON tickets (campaign_id, held_until) WHERE state = 'held';
    CREATE INDEX tickets_changed ON tickets (campaign_id, version);
    CREATE TABLE destinations (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        issue_no INTEGER NOT NULL,
        entry_id INTEGER NOT NULL UNIQUE REFERENCES entries(id),
        prize_id INTEGER NOT NULL REFERENCES prizes(id),
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        phone TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL,
        phone_key TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        UNIQUE (campaign_id, issue_no),
        UNIQUE (campaign_id, email_key),
        UNIQUE (campaign_id, phone_key)
    );
    """,
    )


@migrations()
def m002_admin(db: Database) -> None:
    _run(
        db,
        """
    CREATE TABLE admins (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_login_at TEXT
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        campaign_id INTEGER REFERENCES campaigns(id),
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_campaign ON audit (campaign_id, id);
    ALTER TABLE destinations ADD COLUMN issued_at TEXT;
    CREATE INDEX destinations_campaign ON destinations (campaign_id);
    CREATE INDEX entries_created ON entries (campaign_id, created_at);
    """,
    )


@migrations()
def m003_one_draw_per_holder(db: Database) -> None:
    # A terminal, a candidate or a kiosk ticket draws once per campaign, even in parallel.
    _run(db, "CREATE UNIQUE INDEX entries_one_per_holder ON entries (campaign_id, holder)")


@migrations()
def m004_free_count(db: Database) -> None:
    # Boards show "N tiles left" on every poll; counting 100,000 rows each time is too slow,
    # so triggers keep the count beside the version, whichever code changes a tile.
    db.execute("ALTER TABLE campaigns ADD COLUMN free INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE campaigns SET free ="
        " (SELECT count(*) FROM tickets t WHERE t.campaign_id = campaigns.id AND t.state = 'free')"
    )
    db.execute(
        "CREATE TRIGGER tickets_free_insert AFTER INSERT ON tickets BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') WHERE id = NEW.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tickets_free_delete AFTER DELETE ON tickets BEGIN"
        " UPDATE campaigns SET free = free - (OLD.state = 'free') WHERE id = OLD.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tickets_free_update AFTER UPDATE OF state ON tickets"
        " WHEN (NEW.state = 'free') <> (OLD.state = 'free') BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') - (OLD.state = 'free')"
        " WHERE id = NEW.campaign_id; END"
    )


@migrations()
def m005_drafts(db: Database) -> None:
    # A campaign set up in the admin stays a draft, invisible to the public, until published.
    db.execute("ALTER TABLE campaigns ADD COLUMN published_at TEXT")
    db.execute("UPDATE campaigns SET published_at = created_at")


@migrations()
def m006_draw_engine(db: Database) -> None:
    # Coupons are bound when drawn: a free tile holds nothing, each tier keeps a free count,
    # and every draw and return is logged for the campaign's fairness proof.
    _run(
        db,
        """
    ALTER TABLE campaigns ADD COLUMN mode TEXT NOT NULL DEFAULT 'board';
    ALTER TABLE campaigns ADD COLUMN draw TEXT NOT NULL DEFAULT 'instant';
    ALTER TABLE campaigns ADD COLUMN tilt INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE campaigns ADD COLUMN timezone TEXT NOT NULL DEFAULT '+00:00';
    ALTER TABLE campaigns ADD COLUMN seed TEXT;
    ALTER TABLE campaigns ADD COLUMN commitment TEXT;
    ALTER TABLE campaigns ADD COLUMN draws INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE campaigns ADD COLUMN events INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE campaigns ADD COLUMN batch_drawn_at TEXT;
    CREATE TABLE tiers (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        number INTEGER NOT NULL,
        prize_id INTEGER REFERENCES prizes(id),
        rank INTEGER NOT NULL,
        count INTEGER NOT NULL,
        free INTEGER NOT NULL,
        PRIMARY KEY (campaign_id, number),
        CHECK (free >= 0 AND free <= count),
        CHECK ((number = 0) = (prize_id IS NULL))
    );
    ALTER TABLE tickets ADD COLUMN tier INTEGER;
    CREATE TABLE draw_log (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        seq INTEGER NOT NULL,
        draw_no INTEGER,
        event TEXT NOT NULL CHECK (event IN ('draw', 'return')),
        tier INTEGER NOT NULL,
        merit INTEGER,
        issue_no INTEGER NOT NULL,
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        at TEXT NOT NULL,
        PRIMARY KEY (campaign_id, seq),
        UNIQUE (campaign_id, draw_no),
        CHECK ((event = 'draw') = (draw_no IS NOT NULL))
    );
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        holder TEXT NOT NULL,
        merit INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL,
        address TEXT NOT NULL,
        phone TEXT NOT NULL,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL,
        phone_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        entry_id INTEGER UNIQUE REFERENCES entries(id),
        UNIQUE (campaign_id, holder),
        UNIQUE (campaign_id, email_key),
        UNIQUE (campaign_id, phone_key)
    );
    CREATE INDEX requests_campaign ON requests (campaign_id, id);
    DROP INDEX tickets_free;
    CREATE INDEX tickets_free_no ON tickets (campaign_id, no) WHERE state = 'free'
    """,
    )
    for campaign_id, losing, drawn, source in db.execute(
        "SELECT id, losing, EXISTS (SELECT 1 FROM entries e WHERE e.campaign_id = c.id),"
        " conditions FROM campaigns c"
    ).fetchall():
        try:
            zone = parse_conditions(source).zone
        except ConditionsError:
            zone = "+00:00"
        db.execute("UPDATE campaigns SET timezone = ? WHERE id = ?", [zone, campaign_id])
        prizes = db.execute(
            "SELECT id, value, count FROM prizes WHERE campaign_id = ? ORDER BY position",
            [campaign_id],
        ).fetchall()
        rank = ranks([value for _, value, _ in prizes], losing > 0)
        tiers = [(n, pid, count) for n, (pid, _, count) in enumerate(prizes, 1)]
        if losing:
            tiers.append((0, None, losing))
        for number, prize_id, count in tiers:
            db.execute(
                "INSERT INTO tiers (campaign_id, number, prize_id, rank, count, free)"
                " VALUES (?, ?, ?, ?, ?, (SELECT count(*) FROM tickets"
                "  WHERE campaign_id = ? AND state = 'free' AND prize_id IS ?))",
                [campaign_id, number, prize_id, rank[number], count, campaign_id, prize_id],
            )
            db.execute(
                "UPDATE tickets SET tier = ? WHERE campaign_id = ? AND prize_id IS ?"
                " AND state <> 'free'",
                [number, campaign_id, prize_id],
            )
        db.execute(
            "UPDATE tickets SET prize_id = NULL WHERE campaign_id = ? AND state = 'free'",
            [campaign_id],
        )
        # Earlier draws were never logged, so only a fresh board gets a public commitment;
        # one already drawn from keeps drawing, without a proof.
        seed = new_seed()
        db.execute(
            "UPDATE campaigns SET seed = ?, commitment = ? WHERE id = ?",
            [seed.hex(), None if drawn else commitment(seed), campaign_id],
        )


def _run(db: Database, script: str) -> None:
    # executescript() would commit the surrounding transaction, so run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def migrate(db: Database) -> None:
    """Apply pending migrations; safe when several workers start at once."""
    if engine(db) == "postgresql":
        _migrate_postgres(db)
        return
    with immediate(db):
        migrations.apply(db)


def names() -> list[str]:
    """Return the SQLite migrations' names, in order."""
    return [m.name for m in migrations._migrations]


def both_engines(func):
    """Mark a migration whose function PostgreSQL runs too (it has no file of its own)."""
    BOTH_ENGINES.add(func.__name__)
    return func


BOTH_ENGINES: set[str] = set()


def postgres_names() -> list[str]:
    """Return the PostgreSQL migrations' names, in order: the files, and the shared functions
    in their place in the list."""
    files = {p.stem for p in POSTGRES.glob("*.sql")}
    shared = [n for n in names() if n in BOTH_ENGINES]
    return sorted(files | set(shared), key=lambda n: (n not in names(), _position(n)))


def _position(name: str) -> int | str:
    return names().index(name) if name in names() else name


def applied(db) -> list[str]:
    """Return the names of the migrations applied to a database, in the order applied."""
    if engine(db) == "postgresql":
        return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY seq")]
    return [m.name for m in migrations.applied(db)]


def _migrate_postgres(db) -> None:
    with immediate(db):
        # Workers that start together take turns; the first applies, the others find it done.
        db.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
        db.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (seq bigint GENERATED ALWAYS AS IDENTITY,"
            " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in db.execute("SELECT name FROM _migrations")}
        functions = {m.name: m.fn for m in migrations._migrations}
        for name in postgres_names():
            if name not in done:
                if name in BOTH_ENGINES:
                    functions[name](db)
                else:
                    db.execute((POSTGRES / f"{name}.sql").read_text())
                db.execute("INSERT INTO _migrations (name) VALUES (?)", [name])


MIGRATION_LOCK = 0x4B756A69  # "Kuji": the advisory lock migrations take on PostgreSQL


@migrations()
def m007_postal_code(db: Database) -> None:
    # Japanese addresses: the postal code (123-4567) is asked for apart from the address.
    db.execute("ALTER TABLE destinations ADD COLUMN postal_code TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE requests ADD COLUMN postal_code TEXT NOT NULL DEFAULT ''")


@migrations()
def m008_attempts(db: Database) -> None:
    # Failed sign-ins (and later invitation logins and code guesses), counted here rather than
    # in each worker's memory, so a limit holds across workers and restarts.
    _run(
        db,
        """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX attempts_address ON attempts (scope, address, key, at);
    CREATE INDEX attempts_at ON attempts (at)
    """,
    )


@migrations()
def m009_invitations(db: Database) -> None:
    # Invitations: a shop's candidate list, who was invited to which campaign, the mail they
    # were sent (or, with no mail server, the outbox), and jobs that run in the background.
    _run(
        db,
        """
    CREATE TABLE candidates (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        age INTEGER NOT NULL,
        sex TEXT NOT NULL,
        family INTEGER NOT NULL,
        income INTEGER NOT NULL,
        purchases INTEGER NOT NULL,
        language TEXT NOT NULL,
        address TEXT NOT NULL,
        extra TEXT NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE candidate_hobbies (
        candidate_id INTEGER NOT NULL REFERENCES candidates(id),
        hobby TEXT NOT NULL,
        PRIMARY KEY (hobby, candidate_id)
    );
    CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        candidate_id INTEGER NOT NULL REFERENCES candidates(id),
        login_id TEXT NOT NULL,
        password_hash TEXT,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
        reason TEXT NOT NULL DEFAULT '',
        sent_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (campaign_id, candidate_id),
        UNIQUE (campaign_id, login_id)
    );
    CREATE INDEX invitations_status ON invitations (campaign_id, status, id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        campaign_id INTEGER REFERENCES campaigns(id),
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'done', 'failed')),
        lease_until TEXT,
        payload TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        result TEXT NOT NULL DEFAULT '',
        error TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX jobs_state ON jobs (state, id);
    ALTER TABLE destinations ADD COLUMN candidate_id INTEGER REFERENCES candidates(id)
    """,
    )


@migrations()
def m010_plays(db: Database) -> None:
    # Mini-game plays: one per holder per campaign (starting is what counts), the challenge
    # with its secrets, and every move stamped by the server's clock. The monitor's "mean
    # value by score band" finds each holder's draw by entry, hence draw_log_entry.
    _run(
        db,
        """
    CREATE TABLE plays (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        holder TEXT NOT NULL,
        game TEXT NOT NULL,
        challenge TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        score INTEGER CHECK (score BETWEEN 0 AND 1000),
        UNIQUE (campaign_id, holder),
        CHECK ((finished_at IS NULL) = (score IS NULL))
    );
    CREATE INDEX plays_score ON plays (campaign_id, score);
    CREATE INDEX draw_log_entry ON draw_log (campaign_id, entry_id) WHERE event = 'draw';
    CREATE TABLE play_moves (
        play_id INTEGER NOT NULL REFERENCES plays(id),
        seq INTEGER NOT NULL CHECK (seq >= 0),
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (play_id, seq)
    )
    """,
    )


@migrations()
def m011_coupons(db: Database) -> None:
    # Electronic coupons (one per destination, made in the confirming transaction), every
    # redemption attempt at a till, staff accounts that may only redeem, and shop kiosks
    # with their single-use draw tickets.
    _run(
        db,
        """
    ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'
        CHECK (role IN ('admin', 'staff'));
    CREATE TABLE ecoupons (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        destination_id INTEGER NOT NULL UNIQUE REFERENCES destinations(id),
        issued_at TEXT NOT NULL,
        expires_at TEXT,
        mail TEXT NOT NULL DEFAULT 'none' CHECK (mail IN ('none', 'queued', 'sent', 'failed')),
        redeemed_at TEXT,
        redeemed_till TEXT,
        redeemed_by TEXT,
        redeem_key TEXT,
        CHECK ((redeemed_at IS NULL) = (redeem_key IS NULL))
    );
    CREATE INDEX ecoupons_mail ON ecoupons (campaign_id, id) WHERE mail = 'queued';
    CREATE TABLE redemptions (
        id INTEGER PRIMARY KEY,
        ecoupon_id INTEGER REFERENCES ecoupons(id),
        campaign_id INTEGER REFERENCES campaigns(id),
        action TEXT NOT NULL CHECK (action IN ('check', 'redeem', 'undo')),
        outcome TEXT NOT NULL,
        till TEXT NOT NULL,
        actor TEXT NOT NULL,
        idem_key TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX redemptions_coupon ON redemptions (ecoupon_id, id);
    CREATE INDEX redemptions_campaign ON redemptions (campaign_id, id);
    CREATE TABLE kiosks (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        name TEXT NOT NULL,
        store TEXT NOT NULL,
        setup_digest TEXT,
        setup_until TEXT,
        device TEXT,
        bound_at TEXT,
        revoked_at TEXT,
        ticket_id INTEGER,
        ticket_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX kiosks_campaign ON kiosks (campaign_id, id);
    CREATE TABLE kiosk_tickets (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        batch INTEGER NOT NULL,
        code TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        used_at TEXT,
        kiosk_id INTEGER REFERENCES kiosks(id),
        entry_id INTEGER REFERENCES entries(id)
    );
    CREATE INDEX kiosk_tickets_batch ON kiosk_tickets (campaign_id, batch, id)
    """,
    )


@migrations()
def m012_candidate_hobbies_index(db: Database) -> None:
    # Re-importing a candidate replaces their hobbies, found by candidate id: without this
    # index each import row scanned the whole hobby table (100,000 rows took minutes).
    db.execute("CREATE INDEX candidate_hobbies_candidate ON candidate_hobbies (candidate_id)")


@migrations()
def m013_destination_language(db: Database) -> None:
    # The language the person confirmed (or asked for a batch draw) in, so a coupon mailed
    # later is written in it too.
    db.execute("ALTER TABLE destinations ADD COLUMN language TEXT")
    db.execute("ALTER TABLE requests ADD COLUMN language TEXT")


@migrations()
def m014_tiles(db: Database) -> None:
    # One word per thing: a campaign's numbered places are tiles (a "ticket" is only a kiosk's
    # printed one), so the board table becomes `tiles` and every tile number `tile_no`.
    # SQLite cannot drop `draw_order` (unused since m006) while a UNIQUE names it, so the
    # table is copied; the constraints get names the store maps refusals by.
    _run(
        db,
        """
    CREATE TABLE tiles (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        no INTEGER NOT NULL,
        prize_id INTEGER REFERENCES prizes(id),
        tier INTEGER,
        state TEXT NOT NULL DEFAULT 'free'
            CHECK (state IN ('free', 'held', 'confirmed', 'lost')),
        entry_id INTEGER REFERENCES entries(id),
        held_until TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        CONSTRAINT tiles_pkey PRIMARY KEY (campaign_id, no),
        CONSTRAINT tiles_entry_id_key UNIQUE (entry_id),
        CONSTRAINT tiles_free_check CHECK ((state = 'free') = (entry_id IS NULL))
    );
    INSERT INTO tiles (campaign_id, no, prize_id, tier, state, entry_id, held_until, version)
        SELECT campaign_id, no, prize_id, tier, state, entry_id, held_until, version
        FROM tickets;
    DROP TABLE tickets;
    CREATE INDEX tiles_free_no ON tiles (campaign_id, no) WHERE state = 'free';
    CREATE INDEX tiles_held ON tiles (campaign_id, held_until) WHERE state = 'held';
    CREATE INDEX tiles_changed ON tiles (campaign_id, version);
    ALTER TABLE entries RENAME COLUMN ticket_no TO tile_no;
    ALTER TABLE draw_log RENAME COLUMN issue_no TO tile_no;
    ALTER TABLE destinations RENAME COLUMN issue_no TO tile_no;
    ALTER TABLE campaigns RENAME COLUMN sheets TO tile_count
    """,
    )
    # Triggers hold ";" inside, so each is its own statement.
    db.execute(
        "CREATE TRIGGER tiles_free_insert AFTER INSERT ON tiles BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') WHERE id = NEW.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tiles_free_delete AFTER DELETE ON tiles BEGIN"
        " UPDATE campaigns SET free = free - (OLD.state = 'free') WHERE id = OLD.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tiles_free_update AFTER UPDATE OF state ON tiles"
        " WHEN (NEW.state = 'free') <> (OLD.state = 'free') BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') - (OLD.state = 'free')"
        " WHERE id = NEW.campaign_id; END"
    )


@migrations()
@both_engines  # plain SQL, and the settings are computed in Python: the same on PostgreSQL
def m015_campaign_settings(db: Database) -> None:
    # A campaign is one object, loaded once: what requests need of its condition file
    # (reveal, merit, game, e-coupon terms) is kept as JSON beside its row, written by the
    # one function that changes a campaign, so no request parses the TOML again.
    db.execute("ALTER TABLE campaigns ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'")
    for campaign_id, losing, source in db.execute(
        "SELECT id, losing, conditions FROM campaigns"
    ).fetchall():
        db.execute(
            "UPDATE campaigns SET settings = ? WHERE id = ?",
            [to_json(settings_from_file(source, losing)), campaign_id],
        )


def settings_from_file(source: str, losing: int) -> Settings:
    """Return a stored file's settings; a file today's rules refuse is read leniently."""
    try:
        return settings_of(parse_conditions(source))
    except ConditionsError:
        pass
    # A file saved under older rules: read what requests used to read from it, leniently.
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError:
        data = {}
    game = data.get("game")
    name, settings = "", {}
    if isinstance(game, str):
        name = game
    elif isinstance(game, dict) and isinstance(game.get("name"), str):
        name, settings = game["name"], {k: v for k, v in game.items() if k != "name"}
    expires = data.get("coupon_expires")
    if not isinstance(expires, datetime | int) or isinstance(expires, bool):
        expires = None
    issue = data.get("issue", "paper")
    return Settings(
        losing=losing,
        game=name,
        game_settings=settings,
        issue=issue if issue in ISSUES else "paper",
        coupon_expires=expires,
    )


@migrations()
@both_engines  # plain SQL: the same on PostgreSQL
def m016_entry_revealed(db: Database) -> None:
    # The moment the person uncovered their draw (scratched, spun or pressed Reveal): the
    # outcome and the confirm form reach the page only after it, and a confirm before it is
    # refused. Draws made before this migration had their outcome on the page already.
    db.execute("ALTER TABLE entries ADD COLUMN revealed_at TEXT")
    db.execute("UPDATE entries SET revealed_at = created_at")


@migrations()
def m017_job_files(db: Database) -> None:
    # The files a job made (coupon PDFs, exports), kept in the database rather than on the
    # disk of whichever host ran the job, so any host serves any download.
    db.execute(
        "CREATE TABLE job_files (job_id INTEGER NOT NULL REFERENCES jobs(id),"
        " part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, part))"
    )


@migrations()
@both_engines  # plain SQL: the same on PostgreSQL
def m018_kiosk_reveal(db: Database) -> None:
    # A kiosk shows a drawn coupon only after the customer presses Reveal; the server keeps
    # that moment, so the result page cannot be opened (or guessed at) before it.
    db.execute("ALTER TABLE kiosk_tickets ADD COLUMN revealed_at TEXT")


@migrations()
@both_engines  # plain SQL: the same on PostgreSQL
def m019_shop_notice(db: Database) -> None:
    # The shop is told once, by e-mail, when a campaign sells out or its period ends.
    db.execute("ALTER TABLE campaigns ADD COLUMN shop_notified_at TEXT")


@migrations()
def m020_address_draws(db: Database) -> None:
    # Draws counted per client address (IPv4, or IPv6 /64) and campaign, so a redraw loop
    # or a hoarder is refused whichever worker serves it; rate limits counted here too.
    _run(
        db,
        """
    ALTER TABLE entries ADD COLUMN address TEXT;
    CREATE TABLE address_draws (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        address TEXT NOT NULL,
        draws INTEGER NOT NULL DEFAULT 0,
        holds INTEGER NOT NULL DEFAULT 0,
        redraws INTEGER NOT NULL DEFAULT 0,
        redrawn_at TEXT,
        refused INTEGER NOT NULL DEFAULT 0,
        refused_at TEXT,
        PRIMARY KEY (campaign_id, address)
    );
    CREATE TABLE rate_counts (
        key TEXT PRIMARY KEY,
        hits INTEGER NOT NULL,
        until TEXT NOT NULL
    );
    CREATE INDEX rate_counts_until ON rate_counts (until)
    """,
    )


@migrations()
@both_engines  # plain SQL, and the keys are computed in Python: the same on PostgreSQL
def m021_person_keys(db: Database) -> None:
    # One person, one coupon however written: e-mail keys now drop Gmail's dots and "+tags"
    # (googlemail.com is gmail.com), phone keys are E.164. The written values stay as they
    # were; the keys are recomputed. Rows that now share a key (one person already had two
    # coupons) keep theirs apart with their id appended, so nothing is lost.
    from app.lottery.contact import person_email_key, phone_key

    # Kiosk destinations carry a key per printed ticket, not a person's: left alone.
    person = "email_key NOT LIKE 'kiosk:%'"
    for table in ("destinations", "requests"):
        rows = db.execute(
            f"SELECT id, campaign_id, email, phone FROM {table} WHERE {person} ORDER BY id"  # noqa: S608
        ).fetchall()
        db.execute(
            f"UPDATE {table} SET email_key = '#' || id, phone_key = '#' || id WHERE {person}"  # noqa: S608
        )
        seen: set[tuple] = set()
        for row_id, campaign_id, email, phone in rows:
            keys = []
            for kind, key in (("e", person_email_key(email)), ("p", phone_key(phone))):
                if (campaign_id, kind, key) in seen:
                    key = f"{key}#{row_id}"
                seen.add((campaign_id, kind, key))
                keys.append(key)
            db.execute(
                f"UPDATE {table} SET email_key = ?, phone_key = ? WHERE id = ?",  # noqa: S608
                [*keys, row_id],
            )


@migrations()
def m022_session_generations(db: Database) -> None:
    # A session names its account's generation; raising it ends every copy of the cookie
    # (sign-out, a new password, "sign out everywhere"). An invitee's session names the
    # generation of the password it used: a resend ends it.
    db.execute("ALTER TABLE admins ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE invitations ADD COLUMN password_gen INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE invitations SET password_gen = 1 WHERE status = 'sent'")


@migrations()
def m023_known_addresses(db: Database) -> None:
    # Failures of one account from every address are counted (an account-wide limit), and
    # the addresses that signed in to an account are remembered: they are still admitted
    # while strangers' guesses keep the account locked.
    _run(
        db,
        """
    CREATE INDEX attempts_key ON attempts (scope, key, at);
    CREATE TABLE known_addresses (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        address TEXT NOT NULL,
        last_at TEXT NOT NULL,
        PRIMARY KEY (scope, key, address)
    )
    """,
    )


@migrations()
def m024_binding_commitments(db: Database) -> None:
    # New campaigns commit to the seed and the tier counts together (kuji-draw-v2), so the
    # counts stay secret until the end. Campaigns made before keep the commitment they
    # published, SHA-256 of the seed alone (kuji-draw-v1).
    db.execute("ALTER TABLE campaigns ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'kuji-draw-v1'")


@migrations()
def m025_images(db: Database) -> None:
    # A campaign's uploaded pictures (prize art per tier, its logo), kept in the database so a
    # backup holds them and every worker serves them; named as the condition file names them.
    _run(
        db,
        """
    CREATE TABLE images (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        media_type TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (campaign_id, name)
    );
    CREATE INDEX images_digest ON images (campaign_id, digest)
    """,
    )


@migrations()
def m026_timestamptz(db: Database) -> None:
    # PostgreSQL's file turns the moments m016, m018, m019 and m025 added as text into
    # timestamptz. SQLite has no time type: its stamps stay text, whose order is time order
    # (store.db.stamp()), so there is nothing to change here.
    pass


@migrations()
def m027_free_count_per_statement(db: Database) -> None:
    # PostgreSQL's file counts a layout's free tiles once per statement instead of once per
    # tile (a 100,000-tile board took over an hour there). SQLite updates a row in place,
    # so its trigger per tile costs the same at any size: nothing to change here.
    pass


@migrations()
def m028_contact_keys(db: Database) -> None:
    # A campaign whose people give their contact details before the reveal (reveal_order =
    # "after-contact") keeps, per draw, keyed digests of the e-mail and phone keys: one
    # person, one draw, whatever the outcome. A win's details go to destinations as ever; a
    # loss keeps only these digests, which write to no one.
    _run(
        db,
        """
    CREATE TABLE contact_keys (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        email_key TEXT NOT NULL,
        phone_key TEXT NOT NULL,
        given_at TEXT NOT NULL,
        UNIQUE (campaign_id, email_key),
        UNIQUE (campaign_id, phone_key)
    )
    """,
    )


@migrations()
def m029_lean_claim_writes(db: Database) -> None:
    # A claim's commit wrote about 20 pages where the bare stack's writes 3. Three tables
    # are copied to write fewer. A tile's entry is unique only where there is one: free
    # tiles (entry_id NULL) leave that index, so a claim adds one entry to it instead of
    # moving one out of the NULLs. draw_log and rate_counts become WITHOUT ROWID: the table
    # is its primary key's index, one b-tree to write instead of two. (tiles stays a rowid
    # table: without one, SQLite reads a poll's changes and a speed lottery's next free
    # tile along the primary key instead of their indexes.) Same columns, checks, names
    # and triggers; the queries' plans are the same.
    _run(
        db,
        """
    CREATE TABLE tiles_lean (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        no INTEGER NOT NULL,
        prize_id INTEGER REFERENCES prizes(id),
        tier INTEGER,
        state TEXT NOT NULL DEFAULT 'free'
            CHECK (state IN ('free', 'held', 'confirmed', 'lost')),
        entry_id INTEGER REFERENCES entries(id),
        held_until TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        CONSTRAINT tiles_pkey PRIMARY KEY (campaign_id, no),
        CONSTRAINT tiles_free_check CHECK ((state = 'free') = (entry_id IS NULL))
    );
    INSERT INTO tiles_lean (campaign_id, no, prize_id, tier, state, entry_id, held_until, version)
        SELECT campaign_id, no, prize_id, tier, state, entry_id, held_until, version FROM tiles;
    DROP TABLE tiles;
    ALTER TABLE tiles_lean RENAME TO tiles;
    CREATE UNIQUE INDEX tiles_entry_id_key ON tiles (entry_id) WHERE entry_id IS NOT NULL;
    CREATE INDEX tiles_free_no ON tiles (campaign_id, no) WHERE state = 'free';
    CREATE INDEX tiles_held ON tiles (campaign_id, held_until) WHERE state = 'held';
    CREATE INDEX tiles_changed ON tiles (campaign_id, version);
    CREATE TABLE draw_log_lean (
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
        seq INTEGER NOT NULL,
        draw_no INTEGER,
        event TEXT NOT NULL CHECK (event IN ('draw', 'return')),
        tier INTEGER NOT NULL,
        merit INTEGER,
        tile_no INTEGER NOT NULL,
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        at TEXT NOT NULL,
        PRIMARY KEY (campaign_id, seq),
        UNIQUE (campaign_id, draw_no),
        CHECK ((event = 'draw') = (draw_no IS NOT NULL))
    ) WITHOUT ROWID;
    INSERT INTO draw_log_lean SELECT campaign_id, seq, draw_no, event, tier, merit, tile_no,
        entry_id, at FROM draw_log;
    DROP TABLE draw_log;
    ALTER TABLE draw_log_lean RENAME TO draw_log;
    CREATE INDEX draw_log_entry ON draw_log (campaign_id, entry_id) WHERE event = 'draw';
    CREATE TABLE rate_counts_lean (
        key TEXT PRIMARY KEY,
        hits INTEGER NOT NULL,
        until TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO rate_counts_lean SELECT key, hits, until FROM rate_counts;
    DROP TABLE rate_counts;
    ALTER TABLE rate_counts_lean RENAME TO rate_counts;
    CREATE INDEX rate_counts_until ON rate_counts (until)
    """,
    )
    # The copy fired no trigger (the free counts stand); the old table's went with it.
    db.execute(
        "CREATE TRIGGER tiles_free_insert AFTER INSERT ON tiles BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') WHERE id = NEW.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tiles_free_delete AFTER DELETE ON tiles BEGIN"
        " UPDATE campaigns SET free = free - (OLD.state = 'free') WHERE id = OLD.campaign_id;"
        " END"
    )
    db.execute(
        "CREATE TRIGGER tiles_free_update AFTER UPDATE OF state ON tiles"
        " WHEN (NEW.state = 'free') <> (OLD.state = 'free') BEGIN"
        " UPDATE campaigns SET free = free + (NEW.state = 'free') - (OLD.state = 'free')"
        " WHERE id = NEW.campaign_id; END"
    )
