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


def columns(
    bucket: str, start: datetime, end: datetime, counts: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """Return one (label, count) per bucket from start to end, zero where nothing happened."""
    found = dict(counts)
    out = []
    moment = _floor(start, bucket)
    width = {"minute": 16, "hour": 13, "day": 10}[bucket]
    while moment <= end and len(out) < MAX_COLUMNS:
        key = moment.isoformat()[:width]
        label = {"minute": "%H:%M", "hour": "%d %H:00", "day": "%m-%d"}[bucket]
        out.append((moment.strftime(label), found.get(key, 0)))
        moment += STEPS[bucket]
    return out


def _floor(moment: datetime, bucket: str) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    if bucket in ("hour", "day"):
        moment = moment.replace(minute=0)
    if bucket == "day":
        moment = moment.replace(hour=0)
    return moment
