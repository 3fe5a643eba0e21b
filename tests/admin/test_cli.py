"""`flask admin create EMAIL [--password PW]`."""

from app.store import admins, audit, get_db

from .helpers import Admin


def test_create_with_a_password_then_sign_in(app, runner):
    result = runner.invoke(
        args=["admin", "create", "Boss@Example.jp", "--password", "long enough pw"]
    )
    assert result.exit_code == 0 and result.output == "created administrator boss@example.jp\n"
    assert "long enough pw" not in result.output
    assert Admin(app.test_client()).login("boss@example.jp", "long enough pw").status_code == 303
    with app.app_context():
        assert ("created admin", "boss@example.jp") in [
            (e.action, e.detail) for e in audit.recent(get_db())
        ]


def test_create_prompts_hidden_twice_when_no_password_is_given(app, runner):
    result = runner.invoke(args=["admin", "create", "a@example.jp"], input="typed secret 1\n" * 2)
    assert result.exit_code == 0
    assert "typed secret" not in result.output  # hidden input is not echoed
    with app.app_context():
        assert admins.by_email(get_db(), "a@example.jp") is not None


def test_short_passwords_bad_emails_and_duplicates_are_refused(app, runner):
    short = runner.invoke(args=["admin", "create", "a@example.jp", "--password", "short"])
    assert short.exit_code == 1 and "password: at least 12 characters" in short.output
    bad = runner.invoke(args=["admin", "create", "nobody", "--password", "long enough pw"])
    assert bad.exit_code == 1 and "email:" in bad.output
    runner.invoke(args=["admin", "create", "a@example.jp", "--password", "long enough pw"])
    again = runner.invoke(args=["admin", "create", "A@example.jp", "--password", "other long pw"])
    assert again.exit_code == 1 and "already exists" in again.output
