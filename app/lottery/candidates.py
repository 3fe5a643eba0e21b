"""The candidate list: reading a shop's customer CSV, and the filters that pick invitees.

Pure: bytes in, candidates and problems out. Japanese spreadsheets save CSV as UTF-8 (with
or without a BOM) or as Shift_JIS (CP932); both are read.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .contact import EMAIL, email_key
from .messages import N_, Problem

REQUIRED = ("name", "email", "age", "sex", "hobby", "family", "income", "purchases")
OPTIONAL = ("language", "address")
SEXES = ("female", "male", "other")
# What people type in a spreadsheet, mapped to the stored value.
SEX_WORDS = {
    "female": "female",
    "f": "female",
    "woman": "female",
    "女": "female",
    "女性": "female",
    "male": "male",
    "m": "male",
    "man": "male",
    "男": "male",
    "男性": "male",
    "other": "other",
    "x": "other",
    "その他": "other",
}
LANGUAGES = ("ja", "en")
MAX_HOBBIES = 20
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str
    age: int
    sex: str
    hobbies: tuple[str, ...]
    family: int
    income: int
    purchases: int
    language: str = "ja"
    address: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def email_key(self) -> str:
        return email_key(self.email)


@dataclass(frozen=True)
class BadRow:
    line: int  # the line number a spreadsheet shows (the header is line 1)
    reason: str  # a Problem: its English sentence, translated where shown


@dataclass
class Parsed:
    candidates: list[Candidate]
    bad: list[BadRow]
    duplicates: int = 0  # rows whose e-mail appeared earlier in the same file


class CandidateFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


def decode(data: bytes) -> str:
    """Return the text of a CSV file written as UTF-8 (BOM or not) or Shift_JIS (CP932)."""
    # NUL bytes mean UTF-16 or a binary file, which CP932 would otherwise read as text.
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp932"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                pass
    raise CandidateFileError(Problem(N_("the file is neither UTF-8 nor Shift_JIS (CP932) text")))


def parse_csv(data: bytes) -> Parsed:
    """Read every row: good ones become candidates, bad ones are reported by line."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CandidateFileError(Problem(N_("the file is empty"))) from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise CandidateFileError(
            Problem(N_("missing column(s): %(columns)s"), columns=", ".join(missing))
        )
    if len(set(header)) != len(header):
        raise CandidateFileError(Problem(N_("a column name appears twice")))
    parsed = Parsed([], [])
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            parsed.bad.append(
                BadRow(
                    line,
                    Problem(
                        N_("%(cells)d cells, expected %(expected)d"),
                        cells=len(row),
                        expected=len(header),
                    ),
                )
            )
            continue
        try:
            candidate = candidate_from(dict(zip(header, row, strict=True)))
        except ValueError as exc:
            parsed.bad.append(BadRow(line, exc.args[0]))
            continue
        if candidate.email_key in seen:
            parsed.duplicates += 1
            continue
        seen.add(candidate.email_key)
        parsed.candidates.append(candidate)
    return parsed


def candidate_from(cells: dict[str, str]) -> Candidate:
    """Validate one row's cells; raise ValueError naming the first problem."""
    values = {k: unicodedata.normalize("NFKC", v).strip() for k, v in cells.items()}
    for name, text in values.items():
        if CONTROL.search(text):
            raise ValueError(
                Problem(N_("%(field)s: control characters are not allowed"), field=name)
            )
    name = values["name"]
    if not name or len(name) > 100:
        raise ValueError(Problem(N_("name: required, at most 100 characters")))
    email = values["email"]
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise ValueError(
            Problem(N_("email: %(value)s is not a valid e-mail address"), value=repr(email))
        )
    sex = SEX_WORDS.get(values["sex"].casefold())
    if sex is None:
        raise ValueError(
            Problem(
                N_("sex: %(value)s is not one of female, male, other"), value=repr(values["sex"])
            )
        )
    hobbies = tuple(
        dict.fromkeys(h.strip().casefold() for h in values["hobby"].split(";") if h.strip())
    )
    if len(hobbies) > MAX_HOBBIES or any(len(h) > 40 for h in hobbies):
        raise ValueError(Problem(N_("hobby: at most 20 hobbies of 40 characters each")))
    language = (values.get("language") or "ja").casefold()
    if language not in LANGUAGES:
        raise ValueError(
            Problem(N_("language: %(value)s is not ja or en"), value=repr(values["language"]))
        )
    address = values.get("address", "")
    if len(address) > 300:
        raise ValueError(Problem(N_("address: at most 300 characters")))
    extra = {k: v for k, v in cells.items() if k not in REQUIRED + OPTIONAL}
    return Candidate(
        name=name,
        email=email,
        age=_whole(values, "age", 0, 130),
        sex=sex,
        hobbies=hobbies,
        family=_whole(values, "family", 1, 50),
        income=_whole(values, "income", 0, 10**11),
        purchases=_whole(values, "purchases", 0, 10**7),
        language=language,
        address=address,
        extra=extra,
    )


def _whole(values: dict, name: str, low: int, high: int) -> int:
    text = values[name].replace(",", "").replace("円", "").replace("¥", "")
    if not text.isascii() or not text.isdigit():
        raise ValueError(
            Problem(
                N_("%(field)s: %(value)s is not a whole number"),
                field=name,
                value=repr(values[name]),
            )
        )
    number = int(text)
    if not low <= number <= high:
        raise ValueError(
            Problem(
                N_("%(field)s: must be between %(low)d and %(high)d"),
                field=name,
                low=low,
                high=high,
            )
        )
    return number


@dataclass(frozen=True)
class Filter:
    """Which candidates to invite; None means 'any'."""

    age_min: int | None = None
    age_max: int | None = None
    sexes: tuple[str, ...] = ()
    hobbies: tuple[str, ...] = ()  # any of these
    family_min: int | None = None
    family_max: int | None = None
    income_min: int | None = None
    income_max: int | None = None
    new_only: bool = False  # no purchases yet

    def matches(self, c: Candidate) -> bool:
        """Tell whether a candidate passes every filter."""
        return (
            _within(c.age, self.age_min, self.age_max)
            and (not self.sexes or c.sex in self.sexes)
            and (not self.hobbies or bool(set(self.hobbies) & set(c.hobbies)))
            and _within(c.family, self.family_min, self.family_max)
            and _within(c.income, self.income_min, self.income_max)
            and (not self.new_only or c.purchases == 0)
        )


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def filter_from(form) -> Filter:
    """Read filters from form fields; blank fields mean 'any', bad numbers raise ValueError."""

    def number(name):
        text = (form.get(name) or "").strip().replace(",", "")
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise ValueError(name)
        return int(text)

    sexes = tuple(s for s in form.getlist("sex") if s in SEXES) if hasattr(form, "getlist") else ()
    hobbies = tuple(h.strip().casefold() for h in (form.get("hobby") or "").split(";") if h.strip())
    return Filter(
        age_min=number("age_min"),
        age_max=number("age_max"),
        sexes=sexes,
        hobbies=hobbies[:MAX_HOBBIES],
        family_min=number("family_min"),
        family_max=number("family_max"),
        income_min=number("income_min"),
        income_max=number("income_max"),
        new_only=form.get("new_only") in ("1", "on", "yes"),
    )
