"""Serving for real: the proxy's word, security headers, upload size, logs, crash page, health."""

import logging

import pytest

from app import create_app
from app.web.extensions import limiter
from tests.factories import Terminal, make_campaign

HTTPS = {"X-Forwarded-Proto": "https"}


def make_app(tmp_path, clock, **settings):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "kuji.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            **settings,
        }
    )
    with app.app_context():
        limiter.reset()
    return app


def addresses_logged(caplog) -> list[str]:
    return [
        r.getMessage().rsplit("addr=", 1)[1]
        for r in caplog.records
        if r.name == "app.web.logs" and r.getMessage().startswith("request ")
    ]


def test_without_a_proxy_forwarded_headers_are_ignored(app, client, caplog):
    caplog.set_level(logging.INFO, logger="app")
    response = client.get(
        "/",
        headers={"X-Forwarded-For": "203.0.113.9", **HTTPS},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    assert response.status_code == 200
    assert addresses_logged(caplog) == ["192.0.2.1"]
    assert "Strict-Transport-Security" not in response.headers  # still plain HTTP


def test_one_trusted_hop_takes_the_address_and_scheme_the_proxy_saw(tmp_path, clock, caplog):
    app = make_app(tmp_path, clock, PROXY_HOPS=1)
    make_campaign(app)
    caplog.set_level(logging.INFO, logger="app")
    client = app.test_client()
    # A client's own X-Forwarded-For comes first; the proxy appends the address it saw.
    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.9", **HTTPS}
    response = client.get("/c/spring", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == 200
    assert addresses_logged(caplog) == ["203.0.113.9"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Secure" in cookie


def test_cookies_are_secure_under_https_and_plain_under_http(tmp_path, clock):
    app = make_app(tmp_path, clock, PROXY_HOPS=1)
    make_campaign(app)
    secure = Terminal(app.test_client())
    secure.get(headers=HTTPS)
    # Under HTTPS, Flask-WTF also wants a same-site Referer, as browsers send.
    referer = {"Referer": "https://localhost/c/spring"}
    assert secure.claim(12, headers={**HTTPS, **referer}).status_code == 303
    cookies = secure.last.headers.getlist("Set-Cookie")
    terminal = [c for c in cookies if c.startswith("kuji_spring=")]
    assert terminal and all("Secure" in c for c in cookies)
    plain = Terminal(app.test_client())
    plain.get()
    plain.claim(13)
    assert not any("Secure" in c for c in plain.last.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    "path", ["/", "/c/spring", "/admin/login", "/nowhere", "/static/css/kuji.css"]
)
def test_every_response_carries_the_security_headers(app, client, path):
    make_campaign(app)
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers


def test_a_shop_may_frame_its_board_but_never_the_admin(tmp_path, clock):
    app = make_app(tmp_path, clock, SECURITY_FRAME_ANCESTORS="https://shop.example.jp")
    make_campaign(app)
    client = app.test_client()
    board = client.get("/c/spring").headers["Content-Security-Policy"]
    admin = client.get("/admin/login")
    assert "frame-ancestors https://shop.example.jp" in board
    assert "frame-ancestors 'none'" in admin.headers["Content-Security-Policy"]
    assert admin.headers["X-Frame-Options"] == "DENY"


def test_pages_need_no_inline_script_or_style(app, client):
    """The policy allows only files from /static: no page may rely on inline code."""
    make_campaign(app)
    for path in ("/", "/c/spring", "/c/spring/fairness", "/admin/login"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html, path
        assert " onclick=" not in html and "hx-on" not in html, path


def test_an_upload_over_max_content_length_gets_the_413_page(tmp_path, clock):
    app = make_app(tmp_path, clock, MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/admin/login", data={"email": "x" * 2000})
    assert response.status_code == 413
    assert "Too much data" in response.get_data(as_text=True)


def test_the_default_limit_takes_a_100000_row_csv(app):
    # About 100 bytes a candidate row.
    assert app.config["MAX_CONTENT_LENGTH"] >= 100_000 * 100


def crashing_app(tmp_path, clock):
    app = make_app(tmp_path, clock, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("the disk caught fire")

    return app


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("en", "Sorry, something went wrong on our side"),
        ("ja", "申し訳ありません。こちら側で問題が発生しました"),
    ],
)
def test_a_crash_shows_a_friendly_page_in_each_language_and_is_logged(
    tmp_path, clock, caplog, lang, title
):
    app = crashing_app(tmp_path, clock)
    client = app.test_client()
    client.set_cookie("lang", lang)
    with caplog.at_level(logging.INFO, logger="app"):
        response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert title in html and "the disk caught fire" not in html
    crash = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert crash and "the disk caught fire" in str(crash[0].exc_info[1])
    assert "status=500" in addresses_or_lines(caplog)


def addresses_or_lines(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "app.web.logs")


def test_request_logs_name_no_query_string_and_no_form_field(app, client, caplog):
    caplog.set_level(logging.INFO, logger="app")
    client.get("/admin/login?next=/admin/&token=s3cret")
    client.post("/admin/login", data={"email": "a@example.jp", "password": "hunter2-password"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "s3cret" not in text and "hunter2" not in text
    line = [r.getMessage() for r in caplog.records if r.name == "app.web.logs"][0]
    assert line.startswith("request method=GET path=/admin/login status=200 ms=")
    assert " pid=" in line and line.endswith("addr=127.0.0.1")


def test_a_draw_is_told_on_its_request_line_one_line_per_request(app, client, caplog):
    make_campaign(app)
    caplog.set_level(logging.INFO, logger="app")
    response = Terminal(client).post("/claim", {"tile": "3"})
    assert response.status_code == 303
    # The board's GET (the terminal opening it) aside, the claim gave one line.
    lines = [r for r in caplog.records if "method=GET" not in r.getMessage()]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    handler = logging.getLogger("app").handlers[0]
    text = handler.format(lines[0])
    assert "request method=POST path=/c/" in text and " status=303 " in text
    assert text.split("addr=127.0.0.1 ", 1)[1].startswith("event=draw campaign=")
    assert " tile=3 " in text and " entry=" in text


def test_log_level_comes_from_the_config(tmp_path, clock):
    make_app(tmp_path, clock, LOG_LEVEL="warning")
    assert logging.getLogger("app").level == logging.WARNING
    make_app(tmp_path, clock)
    assert logging.getLogger("app").level == logging.INFO


def test_healthz_checks_the_database(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok"


def test_healthz_answers_503_when_the_database_is_unreachable(app, client, tmp_path, caplog):
    app.config["DATABASE"] = str(tmp_path / "gone" / "kuji.sqlite")  # no such folder
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.data == b"database unavailable"
    assert any("database unavailable" in r.getMessage() for r in caplog.records)


def test_an_app_without_a_key_writes_only_into_its_instance_folder(tmp_path, monkeypatch):
    """instance/secret_key once appeared in the checkout: tests must never put it there."""
    from app.web import paths

    assert not paths.instance().startswith(str(paths.DATA / "instance"))
    monkeypatch.setenv("KUJI_INSTANCE", str(tmp_path / "instance"))
    create_app({"DATABASE": str(tmp_path / "kuji.sqlite")})
    assert (tmp_path / "instance" / "secret_key").read_text().strip()


def test_rate_limit_headers_come_with_limited_routes_only(app, client):
    from tests.admin.helpers import Admin

    make_campaign(app)
    assert "X-RateLimit-Limit" not in client.get("/healthz").headers
    # Claims are counted in the database (app.limiting.counted), without these headers.
    assert "X-RateLimit-Limit" not in Terminal(client).post("/claim", {"tile": "1"}).headers
    response = Admin(app.test_client()).login("nobody@example.jp", "wrong password")
    assert response.status_code == 401
    assert int(response.headers["X-RateLimit-Remaining"]) < int(
        response.headers["X-RateLimit-Limit"]
    )


def test_log_fields_are_one_line_each_value_escaped_only_where_it_must_be():
    import logging

    from app.web.logs import Fields

    record = logging.makeLogRecord(
        {
            "msg": "draw",
            "campaign": "spring-2026",
            "entry": 12,
            "addr": "2001:db8::/64",
            "note": "two words\nand a line",
            "name_ja": "春の抽選",
        }
    )
    line = Fields("%(message)s").format(record)
    assert line == (
        "draw campaign=spring-2026 entry=12 addr=2001:db8::/64"
        " note=two%20words%0Aand%20a%20line name_ja=%E6%98%A5%E3%81%AE%E6%8A%BD%E9%81%B8"
    )


@pytest.mark.parametrize("form", ["%(message)s", "%(asctime)s %(levelname)s %(message)s"])
def test_one_extra_field_is_logged_and_a_plain_line_has_none(form):
    from app.web.logs import Fields

    one = logging.makeLogRecord({"msg": "cancelled", "entry": 7})
    assert Fields(form).format(one).endswith("cancelled entry=7")
    plain = logging.makeLogRecord({"msg": "job runner"})
    assert Fields(form).format(plain).endswith("job runner")
