"""Which time buckets a claims-over-time chart shows: pure date arithmetic."""

from datetime import datetime, timedelta

STEPS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
MAX_COLUMNS = 60


def window(opens: datetime, until: datetime) -> tuple[str, datetime, datetime]:
    """Pick minute, hour or day buckets so the chart shows at most MAX_COLUMNS of them."""
    for bucket in ("minute", "hour", "day"):
        start = max(opens, until - STEPS[bucket] * (MAX_COLUMNS - 1))
        if bucket == "day" or until - opens <= STEPS[bucket] * MAX_COLUMNS:
            return bucket, _floor(start, bucket), until
    raise AssertionError("unreachable")


def edges(bucket: str, start: datetime, end: datetime) -> list[datetime]:
    """Return the bucket boundaries from start to just past end (at most MAX_COLUMNS buckets)."""
    moment = _floor(start, bucket)
    out = [moment]
    while moment <= end and len(out) <= MAX_COLUMNS:
        moment += STEPS[bucket]
        out.append(moment)
    return out


def columns(bucket: str, bounds: list[datetime], counts: list[int]) -> list[tuple[str, int]]:
    """Label each bucket by its start: 12:34, 10 12:00 (day and hour) or 12-10."""
    label = {"minute": "%H:%M", "hour": "%d %H:00", "day": "%m-%d"}[bucket]
    return [(b.strftime(label), n) for b, n in zip(bounds, counts, strict=False)]


def _floor(moment: datetime, bucket: str) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    if bucket in ("hour", "day"):
        moment = moment.replace(minute=0)
    if bucket == "day":
        moment = moment.replace(hour=0)
    return moment
