"""Campaign setup: list, create (form or file), preview, edit, open now, close early, download."""

import dataclasses
import tomllib

from flask import Response, abort, request, url_for
from flask_babel import gettext as _

from app.lottery.conditions import (
    ConditionsError,
    conditions_from_dict,
    parse_conditions,
    to_toml,
    zone_info,
)
from app.lottery.editing import edit_problems, prizes_changed
from app.lottery.messages import N_, Problem
from app.new_campaign import create_campaign
from app.store import audit, batch, campaigns, editing, get_db
from app.store.campaigns import SlugTaken
from app.web.i18n import translate
from app.web.responses import go, now, render

from .auth import actor
from .blueprint import bp
from .field_errors import FieldProblem, place
from .forms import (
    blank_values,
    breakdown,
    conditions_data,
    form_values,
    game_choices,
    prize_rows,
    zone_choices,
)

MAX_UPLOAD = 256 * 1024


def campaign_or_404(slug: str):
    """Return the campaign with this slug, or answer 404."""
    campaign = campaigns.by_slug(get_db(), slug)
    if campaign is None:
        abort(404, _("There is no campaign with that name."))
    return campaign


def state_of(campaign, moment) -> str:
    """Return the state shown to admins: draft, scheduled, open, or ended (ready to issue)."""
    return campaign.phase(moment)


@bp.get("/")
def index():
    """List campaigns with their state and remaining tiles."""
    db = get_db()
    moment = now()
    rows = [
        (c, state_of(c, moment), campaigns.counts(db, c.id)) for c in campaigns.all_campaigns(db)
    ]
    return render("admin/index.html", rows=rows)


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new():
    """Show the campaign form; preview the breakdown; save it once previewed."""
    if request.method == "GET":
        return _form("new", blank_values(now()))
    values = request.form.to_dict()
    uploaded = _mapping(request.form.get("source"))
    try:
        conditions = conditions_from_dict(conditions_data(request.form, kept=uploaded))
    except ConditionsError as exc:
        return _form("new", values, problems=exc.problems, status=422)
    if request.form.get("action") != "save":
        return _form("new", values, preview=conditions)
    text = _source_for(conditions, request.form.get("source"))
    moment = now()
    try:
        create_campaign(conditions, moment, text, publish=False)
    except SlugTaken:
        problem = Problem(
            N_("slug: a campaign called '%(slug)s' already exists"), slug=conditions.slug
        )
        return _form("new", values, problems=[problem], status=422)
    campaign = campaigns.by_slug(get_db(), conditions.slug)
    audit.record(get_db(), actor(), "created", moment, campaign.id, _summary(conditions))
    return go(url_for("admin.monitor", slug=campaign.slug))


@bp.post("/campaigns/upload")
def upload():
    """Read an uploaded condition set file into the form and preview it."""
    file = request.files.get("file")
    raw = file.read(MAX_UPLOAD + 1) if file else b""
    problems = []
    if not raw:
        problems = [_("file: choose a condition set file (.toml)")]
    elif len(raw) > MAX_UPLOAD:
        problems = [_("file: at most %(size)d KB", size=MAX_UPLOAD // 1024)]
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = [_("file: not UTF-8 text")]
    if problems:
        return _form("new", {}, problems=problems, status=422, from_file=True)
    try:
        conditions = parse_conditions(text)
    except ConditionsError as exc:
        return _form("new", {}, problems=exc.problems, status=422, from_file=True)
    values = {**form_values(conditions), "source": text}
    return _form("new", values, preview=conditions)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
def edit(slug):
    """Change a campaign: anything before the first claim, afterwards details and a later end."""
    campaign = campaign_or_404(slug)
    db = get_db()
    moment = now()
    old = parse_conditions(editing.source(db, campaign.id))
    claimed = editing.has_claims(db, campaign.id)
    context = {"campaign": campaign, "claimed": claimed, "ended": campaign.phase(moment) == "ended"}
    if request.method == "GET":
        return _form("edit", form_values(old), **context)
    values = {**request.form.to_dict(), "slug": campaign.slug}
    if context["ended"]:
        return _form(
            "edit",
            values,
            problems=[_("This campaign has ended; it can no longer change.")],
            status=409,
            **context,
        )
    try:
        data = conditions_data(request.form, kept=_mapping(editing.source(db, campaign.id)))
        new_conditions = conditions_from_dict({**data, "slug": slug})
    except ConditionsError as exc:
        return _form("edit", values, problems=exc.problems, status=422, **context)
    problems = edit_problems(old, new_conditions, claimed, moment)
    if problems:
        return _form("edit", values, problems=problems, status=422, **context)
    if request.form.get("action") != "save":
        return _form("edit", values, preview=new_conditions, **context)
    text = to_toml(new_conditions)
    try:
        editing.change(
            db,
            campaign.id,
            moment,
            conditions=new_conditions,
            text=text,
            layout=prizes_changed(old, new_conditions),
        )
    except editing.Locked:
        problem = _("prizes: cannot change once a tile has been claimed")
        return _form("edit", values, problems=[problem], status=409, **context)
    action = "extended" if _only_extended(old, new_conditions) else "edited"
    audit.record(db, actor(), action, moment, campaign.id, _changes(old, new_conditions))
    return go(url_for("admin.monitor", slug=slug))


@bp.post("/campaigns/<slug>/publish")
def publish(slug):
    """Show a draft campaign to the public (it opens at its own time)."""
    campaign = campaign_or_404(slug)
    db = get_db()
    moment = now()
    if not editing.change(db, campaign.id, moment, publish=True):
        abort(409, _("This campaign is already published."))
    audit.record(db, actor(), "published", moment, campaign.id, "")
    return go(url_for("admin.monitor", slug=slug))


@bp.post("/campaigns/<slug>/open")
def open_now(slug):
    """Open a scheduled campaign now."""
    campaign = campaign_or_404(slug)
    db = get_db()
    moment = now()
    if not editing.change(db, campaign.id, moment, open_now=True):
        abort(409, _("Only a scheduled campaign can be opened now."))
    audit.record(db, actor(), "opened", moment, campaign.id, "opened now")
    return go(url_for("admin.monitor", slug=slug))


@bp.route("/campaigns/<slug>/close", methods=["GET", "POST"])
def close(slug):
    """Ask for confirmation, then end the campaign now."""
    campaign = campaign_or_404(slug)
    db = get_db()
    moment = now()
    if campaign.phase(moment) == "ended":
        abort(409, _("This campaign has already ended."))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        counts = campaigns.counts(db, campaign.id)
        return render("admin/close.html", campaign=campaign, counts=counts)
    if not editing.change(db, campaign.id, moment, close_now=True):
        abort(409, _("This campaign has already ended."))
    audit.record(db, actor(), "closed", moment, campaign.id, "closed early")
    return go(url_for("admin.monitor", slug=slug))


@bp.post("/campaigns/<slug>/draw")
def batch_draw(slug):
    """Run a batch campaign's one draw, once its period has ended."""
    campaign = campaign_or_404(slug)
    if campaign.draw != "batch":
        abort(404, _("This campaign draws instantly; it has no batch draw."))
    db = get_db()
    moment = now()
    try:
        done = batch.run(db, campaign, moment)
    except batch.NotDue:
        abort(409, _("This campaign is still taking requests: close it first."))
    if done is None:
        abort(409, _("This campaign was drawn already."))
    audit.record(db, actor(), "drawn", moment, campaign.id, f"{done} requests")
    return go(url_for("admin.monitor", slug=slug))


@bp.get("/campaigns/<slug>/conditions.toml")
def conditions_file(slug):
    """Download the campaign's condition set file."""
    campaign = campaign_or_404(slug)
    return Response(
        editing.source(get_db(), campaign.id),
        mimetype="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}.toml"'},
    )


def _placed(problems, values, from_file=False) -> dict:
    """Put each problem beside its field; an uploaded file's keep the file's own keys."""
    errors, summary = place(problems, values)
    if from_file:
        errors, summary = {}, [FieldProblem(None, "problems", "", translate(p)) for p in problems]
    return {"errors": errors, "summary": summary}


def _form(mode, values, problems=None, preview=None, status=200, from_file=False, **context):
    return render(
        "admin/campaign_form.html",
        status=status,
        mode=mode,
        values=values,
        rows=prize_rows(values),
        problems=problems or [],
        **_placed(problems or [], values, from_file),
        preview=preview,
        preview_tz=zone_info(preview.zone) if preview else None,
        breakdown=breakdown(preview) if preview else [],
        zones=zone_choices(values.get("timezone")),
        games=game_choices(),
        kept_game=_kept_game(values, context.get("campaign")),
        **context,
    )


def _parsed(source: str | None):
    """Return the conditions of an uploaded file's text, or None."""
    try:
        return parse_conditions(source) if source else None
    except ConditionsError:
        return None


def _mapping(source: str | None) -> dict:
    """Return a condition file's text read as a mapping, or {} when there is none."""
    try:
        return tomllib.loads(source) if source else {}
    except tomllib.TOMLDecodeError:
        return {}


def _kept_game(values, campaign=None) -> bool:
    """Tell whether saving keeps game settings the form cannot show (a quiz's questions)."""
    source = editing.source(get_db(), campaign.id) if campaign else values.get("source")
    kept = _parsed(source)
    return bool(kept and kept.game_settings and kept.game == values.get("game"))


def _source_for(conditions, source: str | None) -> str:
    """Keep an uploaded file's own text (comments and all) when the form left it unchanged."""
    if source:
        try:
            if parse_conditions(source) == conditions:
                return source
        except ConditionsError:
            pass
    return to_toml(conditions)


def _summary(c) -> str:
    parts = ", ".join(f"{p.count} × {p.label}" for p in c.prizes)
    return f"{c.tile_count} tiles: {parts}" + (f", {c.losing} losing" if c.losing else "")


def _only_extended(old, new) -> bool:
    return dataclasses.replace(old, closes=new.closes) == new and new.closes > old.closes


def _changes(old, new) -> str:
    changed = [
        f"{f.name}: {getattr(old, f.name)} → {getattr(new, f.name)}"
        for f in dataclasses.fields(old)
        if f.name != "prizes" and getattr(old, f.name) != getattr(new, f.name)
    ]
    if old.prizes != new.prizes:
        changed.append("prizes: " + _summary(new))
    return "; ".join(changed) or "no change"
