"""Tile markup as plain strings: a 100,000-tile board renders in constant time per tile.

Only integers and the two escaped halves of the tile's label (the words read aloud before
and after its number, in the reader's language) are interpolated, so the text is safe HTML.
"""

import threading
from collections import OrderedDict

from markupsafe import Markup, escape

# The label read aloud is "Tile 7" in English; other languages put words after the number.
ENGLISH = ("Tile ", "")


def label(pattern: str, mark: str = "\x00") -> tuple[str, str]:
    """Split a translated "Tile <mark>" into the escaped text before and after the number."""
    before, _, after = pattern.partition(mark)
    return str(escape(before)), str(escape(after))


def free(no: int, oob: bool = False, words: tuple[str, str] = ENGLISH) -> str:
    extra = ' hx-swap-oob="true"' if oob else ""
    before, after = words
    return (
        f'<button class="tile" id="t{no:d}" name="tile" value="{no:d}" data-tile="{no:d}"'
        f' aria-label="{before}{no:d}{after}"{extra}>{no:d}</button>'
    )


def gone(no: int, oob: bool = False) -> str:
    # An empty span: screen readers pass over it without aria-hidden, 19 bytes a tile.
    extra = ' hx-swap-oob="true"' if oob else ""
    return f'<span class="tile gone" id="t{no:d}"{extra}></span>'


def board(
    sheets: int, free_numbers: list[int], words: tuple[str, str] = ENGLISH, first: int = 1
) -> Markup:
    """Return the tiles from `first` to `sheets` in order: a button when free, else a gap."""
    is_free = bytearray(sheets + 1)
    for no in free_numbers:
        is_free[no] = 1
    return Markup(  # noqa: S704
        "".join(free(n, False, words) if is_free[n] else gone(n) for n in range(first, sheets + 1))
    )


def changes(changed: list[tuple[int, bool]], words: tuple[str, str] = ENGLISH) -> Markup:
    """Return out-of-band swaps for the tiles that changed."""
    return Markup("".join(free(n, True, words) if f else gone(n, True) for n, f in changed))  # noqa: S704


# Each worker keeps the latest markup of each board page (per language, as the labels
# differ): every view between two changes reuses it. Only the LATEST_PAGES last used are
# kept (at most about 165 KB each), so campaigns that ended no longer hold memory.
LATEST_PAGES = 64
_latest: OrderedDict[tuple, tuple[int, Markup, int]] = OrderedDict()
_lock = threading.Lock()


def cached_board(
    key: tuple, version: int, read, words: tuple[str, str] = ENGLISH, span: tuple[int, int] = (1, 0)
) -> tuple[int, Markup, int]:
    """Return (version, markup, free count) for a board page, calling read() only when the
    board changed.

    read() returns (version, free tile numbers in `span`, free tiles on the whole board) as
    one consistent state. `key` must name the language and the page.
    """
    with _lock:
        hit = _latest.get(key)
        if hit and hit[0] == version:
            _latest.move_to_end(key)
            return hit
    version, free_numbers, remaining = read()
    first, last = span
    entry = (version, board(last, free_numbers, words, first), remaining)
    with _lock:
        _latest[key] = entry
        _latest.move_to_end(key)
        while len(_latest) > LATEST_PAGES:
            _latest.popitem(last=False)
    return entry
