"""A campaign's brand colour, and the text colour that stays readable on it (WCAG contrast)."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Return the relative luminance (0 black .. 1 white) of a #rrggbb colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours (1 .. 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(colour: str) -> str:
    """Return black or white, whichever reads better on `colour`."""
    black, white = "#000000", "#ffffff"
    return black if contrast(colour, black) >= contrast(colour, white) else white
