"""Importing a candidate list, as a background job with progress, or at once from the CLI."""

import json

from app import jobs
from app.lottery.candidates import CandidateFileError, Parsed, parse_csv
from app.store import candidates, get_db, invitations
from app.web.responses import now

from .sending import new_login_id

KIND = "import-candidates"
CHUNK = 2000


def import_file(data: bytes, campaign_id: int | None = None, report=None) -> dict:
    """Import a CSV's good rows (attaching them to a campaign if given); return a summary.

    Raises CandidateFileError when the file as a whole cannot be read.
    """
    db = get_db()
    parsed: Parsed = parse_csv(data)
    rows = parsed.candidates
    added = updated = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        a, u = candidates.import_candidates(db, chunk, now())
        added, updated = added + a, updated + u
        if report:
            report(start + len(chunk), len(rows))
    invited = 0
    if campaign_id is not None and rows:
        ids = candidates.ids_of(db, [c.email_key for c in rows])
        invited = invitations.attach(db, campaign_id, ids, now(), new_login_id)
    return {
        "added": added,
        "updated": updated,
        "duplicates": parsed.duplicates,
        "invited": invited,
        # Kept untranslated (message and parameters), so the page says it in its reader's language.
        "bad": [[b.line, *stored(b.reason)] for b in parsed.bad[:1000]],
        "bad_total": len(parsed.bad),
    }


def stored(problem) -> list:
    """Return a problem as [message, parameters], for a JSON summary translated when shown."""
    return [getattr(problem, "message", str(problem)), getattr(problem, "params", {})]


@jobs.handler(KIND)
def import_job(job, report) -> str:
    """Run an upload's import; the payload is the file's text (already decoded)."""
    try:
        summary = import_file(job.payload.encode("utf-8"), job.campaign_id, report)
    except CandidateFileError as exc:
        summary = {"error": stored(exc.args[0])}
    return json.dumps(summary, ensure_ascii=False)
