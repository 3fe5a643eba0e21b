"""Pages of a big board: which tiles one page shows, and which page shows a tile."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    count: int  # pages on the board; 1 when the board is not paged
    first: int  # the first and last tile shown
    last: int

    @property
    def paged(self) -> bool:
        return self.count > 1


def page_count(sheets: int, size: int) -> int:
    """Return how many pages a board of `sheets` tiles has; one when it fits in `size`."""
    return max(1, -(-sheets // size)) if size > 0 else 1


def page_of(sheets: int, size: int, number: int | None) -> Page | None:
    """Return page `number` (the first when None), or None when there is no such page."""
    count = page_count(sheets, size)
    if count == 1:
        return Page(1, 1, 1, sheets) if number in (None, 1) else None
    number = 1 if number is None else number
    if not 1 <= number <= count:
        return None
    first = (number - 1) * size + 1
    return Page(number, count, first, min(number * size, sheets))


def page_number(raw: str | None) -> int | None:
    """Read a page number from a query or form: None when absent, 0 when not a number."""
    if raw is None or raw == "":
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
