"""Reading a shop's candidate CSV and filtering it."""

import pytest

from app.lottery.candidates import CandidateFileError, Filter, filter_from, parse_csv

HEADER = "name,email,age,sex,hobby,family,income,purchases,language,address,member_no\n"
GOOD = (
    "山田花子,hanako@example.jp,34,female,cooking;reading,3,5500000,0,ja,東京都中央区銀座1-2-3,M001\n"
    "Taro Sato,taro@example.jp,41,male,golf,1,8000000,12,en,,M002\n"
    '佐藤桜,sakura@example.jp,29,女性,料理;旅行,2,"4,200,000",2,,大阪府,M003\n'
)


def test_good_rows_become_candidates_with_their_extra_columns():
    parsed = parse_csv((HEADER + GOOD).encode())
    assert parsed.bad == [] and parsed.duplicates == 0
    hanako, taro, sakura = parsed.candidates
    assert hanako.hobbies == ("cooking", "reading") and hanako.language == "ja"
    assert hanako.address == "東京都中央区銀座1-2-3" and hanako.extra == {"member_no": "M001"}
    assert taro.language == "en" and taro.purchases == 12
    assert sakura.sex == "female" and sakura.income == 4_200_000 and sakura.language == "ja"


def test_utf8_with_a_bom_and_shift_jis_both_import():
    for data in ((HEADER + GOOD).encode("utf-8-sig"), (HEADER + GOOD).encode("cp932")):
        parsed = parse_csv(data)
        assert [c.name for c in parsed.candidates] == ["山田花子", "Taro Sato", "佐藤桜"]


def test_bad_rows_are_reported_by_line_and_good_rows_kept():
    rows = (
        GOOD
        + "No Mail,not-an-address,30,female,,1,0,0,,,\n"  # line 5
        + "Old,old@example.jp,200,male,,1,0,0,,,\n"  # line 6
        + "Who,who@example.jp,30,robot,,1,0,0,,,\n"  # line 7
        + "Short,short@example.jp,30\n"  # line 8
        + "Rich,rich@example.jp,30,male,,1,lots,0,,,\n"  # line 9
        + "Lang,lang@example.jp,30,male,,1,0,0,fr,,\n"  # line 10
        + "Twice,HANAKO@example.jp,30,female,,1,0,0,,,\n"  # a duplicate of line 2
    )
    parsed = parse_csv((HEADER + rows).encode())
    assert len(parsed.candidates) == 3 and parsed.duplicates == 1
    assert [(b.line, b.reason.split(":")[0]) for b in parsed.bad] == [
        (5, "email"),
        (6, "age"),
        (7, "sex"),
        (8, "3 cells, expected 11"),
        (9, "income"),
        (10, "language"),
    ]


def test_a_file_without_the_columns_or_in_another_encoding_is_refused():
    with pytest.raises(CandidateFileError, match="missing column"):
        parse_csv(b"name,email\nA,a@example.jp\n")
    with pytest.raises(CandidateFileError, match="UTF-8"):
        parse_csv((HEADER + GOOD).encode("utf-16"))
    with pytest.raises(CandidateFileError, match="empty"):
        parse_csv(b"")


def test_control_characters_are_refused():
    parsed = parse_csv((HEADER + "A\x07,a@example.jp,30,male,,1,0,0,,,\n").encode())
    assert parsed.candidates == [] and parsed.bad[0].reason.startswith("name: control")


def test_filters_combine():
    hanako, taro, sakura = parse_csv((HEADER + GOOD).encode()).candidates
    women_30s_cooking = Filter(age_min=30, age_max=39, sexes=("female",), hobbies=("cooking",))
    assert [c.name for c in (hanako, taro, sakura) if women_30s_cooking.matches(c)] == ["山田花子"]
    new = Filter(new_only=True)
    assert [c.name for c in (hanako, taro, sakura) if new.matches(c)] == ["山田花子"]
    families = Filter(family_min=2, income_max=6_000_000)
    assert [c.name for c in (hanako, taro, sakura) if families.matches(c)] == ["山田花子", "佐藤桜"]
    assert all(Filter().matches(c) for c in (hanako, taro, sakura))


class Form(dict):
    def getlist(self, name):
        value = self.get(name)
        return value if isinstance(value, list) else [value] if value else []


def test_filters_from_a_form_ignore_blanks_and_refuse_bad_numbers():
    f = filter_from(Form(age_min="30", age_max="", sex=["female", "robot"], hobby="Cooking; golf"))
    assert f == Filter(age_min=30, sexes=("female",), hobbies=("cooking", "golf"))
    assert filter_from(Form(new_only="1")).new_only
    with pytest.raises(ValueError):
        filter_from(Form(income_min="-5"))


def test_replacing_a_candidates_hobbies_uses_an_index(tmp_path):
    """Re-importing looks hobbies up by candidate: a scan per row made 100,000 rows take minutes."""
    from app.store.db import connect
    from app.store.schema import migrate

    db = connect(str(tmp_path / "plan.sqlite"), "NORMAL")
    migrate(db)
    plan = db.execute(
        "EXPLAIN QUERY PLAN DELETE FROM candidate_hobbies WHERE candidate_id = ?", [1]
    ).fetchall()
    assert "USING INDEX" in str(plan) or "USING COVERING INDEX" in str(plan), plan
