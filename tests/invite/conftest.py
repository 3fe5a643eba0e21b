import re

import pytest

from app.store import get_db, outbox
from tests.factories import START, make_campaign

CSV = (
    "name,email,age,sex,hobby,family,income,purchases,language,address\n"
    "山田花子,hanako@example.jp,34,female,cooking;reading,3,5500000,0,ja,東京都中央区銀座1-2-3\n"
    "Taro Sato,taro@example.jp,41,male,golf,1,8000000,12,en,1-1 Umeda Osaka\n"
    "佐藤桜,sakura@example.jp,29,female,cooking,2,4200000,2,ja,大阪府大阪市\n"
)


@pytest.fixture
def invite_campaign(app):
    """An invitation campaign with three coupons and no losing ticket."""
    return make_campaign(app, slug="vip", mode="invite", prizes=((25, 1), (10, 2)))


@pytest.fixture
def en_runner(app):
    english = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_US.UTF-8"}
    cli = app.test_cli_runner()
    invoke = cli.invoke
    cli.invoke = lambda *args, **kw: invoke(*args, env={**english, **kw.pop("env", {})}, **kw)
    return cli


def mails(app) -> list[dict]:
    with app.app_context():
        return list(reversed(outbox.page(get_db())))


def credentials(body: str) -> tuple[str, str]:
    """Read the ID and password out of an invitation e-mail, as a person would."""
    codes = re.findall(r"(?<![0-9A-Z-])[0-9A-Z]{4}(?:-[0-9A-Z]{4})+(?![0-9A-Z-])", body)
    return codes[0], codes[1]


__all__ = ["CSV", "START", "credentials", "mails"]
