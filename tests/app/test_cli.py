"""The commands others script against."""

from tests.unit.test_conditions import GOOD


def test_create_prints_slug_and_board_path(runner, tmp_path):
    path = tmp_path / "spring.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["campaign", "create", str(path)])
    assert result.exit_code == 0
    assert result.output == "spring /c/spring\n"
    listing = runner.invoke(args=["campaign", "list"]).output.splitlines()
    assert listing[1].split("\t")[:7] == ["spring", "open", "95", "0", "0", "0", "95"]


def test_a_bad_file_exits_non_zero_with_a_line_per_problem(runner, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("count = 70", "count = 0").replace('unit  = "yen"', 'unit = "$"'))
    result = runner.invoke(args=["campaign", "create", str(path)])
    assert result.exit_code == 1
    assert "error: prizes[1].count: must be between 1 and 100000" in result.output
    assert "error: prizes[2].unit: one of percent, yen, points" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(args=["campaign", "list"]).output.count("\n") == 1


def test_a_duplicate_slug_and_a_binary_file_are_refused(runner, tmp_path):
    path = tmp_path / "spring.toml"
    path.write_text(GOOD, encoding="utf-8")
    runner.invoke(args=["campaign", "create", str(path)])
    again = runner.invoke(args=["campaign", "create", str(path)])
    assert again.exit_code == 1 and "already exists" in again.output
    binary = tmp_path / "x.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    assert runner.invoke(args=["campaign", "create", str(binary)]).exit_code == 1


def test_export_of_an_unknown_campaign_fails(runner):
    result = runner.invoke(args=["campaign", "export", "nope"])
    assert result.exit_code == 1 and "no campaign called 'nope'" in result.output


def test_demo_is_the_patents_example_and_is_created_once(runner):
    demo = runner.invoke(args=["campaign", "demo"]).stdout
    assert demo == "demo /c/demo\ndemo-invite /c/demo-invite\n"
    runner.invoke(args=["campaign", "demo"])
    rows = runner.invoke(args=["campaign", "list"]).stdout.splitlines()[1:]
    assert [r.split("\t")[:3] for r in rows] == [
        ["demo-invite", "open", "3"],
        ["demo", "open", "100"],
    ]
    # The invitation demo: three sample candidates invited, their mail in the outbox once sent.
    sent = runner.invoke(args=["invitations", "send", "demo-invite"])
    assert sent.exit_code == 0 and "sent=3" in sent.stdout


def test_the_demo_campaigns_speak_japanese_like_a_first_shop(app, runner):
    runner.invoke(args=["campaign", "demo"])
    with app.app_context():
        from app.store import campaigns, get_db

        db = get_db()
        for slug in ("demo", "demo-invite"):
            campaign = campaigns.by_slug(db, slug)
            labels = [p.label for p in campaigns.prizes(db, campaign.id).values()]
            assert "キャンペーン" in campaign.title and all("オフ" in label for label in labels)
