"""The candidate list: upload a CSV (imported in the background), filter it, invite."""

import json
import secrets

from flask import abort, request, url_for
from flask_babel import gettext as _

from app.invite import importing
from app.invite.sending import new_login_id
from app.lottery.candidates import SEXES, CandidateFileError, Filter, decode, filter_from
from app.store import audit, campaigns, get_db, invitations, jobs
from app.store import candidates as candidate_list
from app.web.i18n import translate
from app.web.responses import go, now, render

from .auth import actor
from .blueprint import bp

MAX_SAMPLE = 1_000_000


def _filter() -> Filter:
    try:
        return filter_from(request.values)
    except ValueError as exc:
        abort(400, _("The filter %(field)s must be a whole number.", field=str(exc)))


def _invite_campaigns():
    moment = now()
    return [
        c
        for c in campaigns.all_campaigns(get_db())
        if c.mode == "invite" and c.phase(moment) != "ended"
    ]


@bp.get("/candidates")
def candidates():
    """Show the candidate list: upload, filters with a live count, and invite."""
    db = get_db()
    f = _filter()
    job_id = request.args.get("job", type=int)
    job = jobs.get(db, job_id) if job_id else None
    return render(
        "admin/candidates.html",
        total=candidate_list.total(db),
        matching=candidate_list.count(db, f),
        rows=candidate_list.page(db, f, 0, 20),
        form=request.args,
        sexes=SEXES,
        targets=_invite_campaigns(),
        job=job,
        summary=_summary(job),
    )


@bp.get("/candidates/count")
def candidate_count():
    """Answer the live count of candidates matching the filters."""
    db = get_db()
    f = _filter()
    return render(
        "admin/candidates.html",
        block="count",
        matching=candidate_list.count(db, f),
        rows=candidate_list.page(db, f, 0, 20),
    )


@bp.post("/candidates/import")
def import_candidates():
    """Queue an uploaded CSV for import; the page shows its progress."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400, _("Choose a CSV file to import."))
    try:
        text = decode(upload.read())
    except CandidateFileError as exc:
        abort(400, translate(exc.args[0]))
    db = get_db()
    job_id = jobs.enqueue(db, importing.KIND, None, now(), payload=text, unique=False)
    audit.record(db, actor(), "imported candidates", now(), None, upload.filename[:100])
    return go(url_for(".candidates", job=job_id))


@bp.get("/jobs/<int:job_id>")
def job_progress(job_id):
    """Show a background job's progress bar; it polls until the job ends."""
    job = jobs.get(get_db(), job_id)
    if job is None:
        abort(404, _("There is no such job."))
    if request.htmx and request.args.get("refresh") and job.state in ("done", "failed"):
        return "", 200, {"HX-Refresh": "true"}  # the page's own figures changed: reload it
    return render("admin/_job.html", job=job, summary=_summary(job))


def _summary(job):
    """What a finished job reported (an import's counts, an export's files), if anything."""
    return json.loads(job.result) if job is not None and job.result else None


@bp.post("/candidates/invite")
def invite():
    """Invite the matching candidates (or a random sample of them) to a campaign."""
    db = get_db()
    slug = request.form.get("campaign", "")
    campaign = campaigns.by_slug(db, slug)
    if campaign is None or campaign.mode != "invite":
        abort(400, _("Choose an invitation campaign."))
    ids = candidate_list.matching_ids(db, _filter())
    size = request.form.get("sample", "").strip()
    if size:
        if not size.isascii() or not size.isdigit() or not 0 < int(size) <= MAX_SAMPLE:
            abort(400, _("The sample size must be a whole number above 0."))
        ids = secrets.SystemRandom().sample(ids, min(int(size), len(ids)))
    added = invitations.attach(db, campaign.id, ids, now(), new_login_id)
    audit.record(db, actor(), "invited", now(), campaign.id, f"{added} candidates")
    return go(url_for(".invitations", slug=slug))
