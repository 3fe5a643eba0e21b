import pytest

from app.lottery.contact import ContactError, clean_contact, email_key, phone_key

GOOD = {
    "name": "山田 花子",
    "postal_code": "104-0061",
    "address": "東京都中央区銀座1-2-3\n201号室",
    "phone": "090-1234-5678",
    "email": "Hanako@Example.JP",
}


def errors(**change):
    with pytest.raises(ContactError) as info:
        clean_contact({**GOOD, **change})
    return info.value.errors


def test_a_good_destination_is_kept_as_written():
    c = clean_contact(GOOD)
    assert c.name == "山田 花子" and c.address.endswith("201号室")
    assert c.email_key == "hanako@example.jp"
    assert c.phone_key == "+819012345678"


def test_keys_ignore_case_width_spaces_and_dashes():
    assert email_key(" HANAKO@example.jp ") == email_key("hanako@EXAMPLE.JP")
    assert phone_key("０９０ー１２３４ー５６７８") == phone_key("090 1234 5678") == "+819012345678"


def test_international_and_national_forms_are_the_same_phone():
    national = phone_key("090-1234-5678")
    assert phone_key("+81 90-1234-5678") == phone_key("0081 90 1234 5678") == national
    assert phone_key("+1 415 555 0100") == "+14155550100" != phone_key("415 555 0100")


def test_brackets_are_allowed_in_phone_numbers():
    assert clean_contact({**GOOD, "phone": "(090) 1234 5678"}).phone_key == "+819012345678"


def test_joiners_are_allowed_in_names_but_not_in_email():
    family = "\U0001f468\u200d\U0001f469"
    assert clean_contact({**GOOD, "name": f"Hanako {family}"}).name.endswith(family)
    assert "email" in errors(email="hana\u200dko@example.jp")


def test_text_is_nfc_normalised():
    decomposed = "ka\u0301to"  # a + combining acute
    assert clean_contact({**GOOD, "name": decomposed}).name == "k\u00e1to"


def test_full_width_phone_and_email_are_accepted():
    c = clean_contact(
        {**GOOD, "phone": "０９０－１２３４－５６７８", "email": "ｈａｎａｋｏ@example.jp"}
    )
    assert c.phone_key == "+819012345678" and c.email == "hanako@example.jp"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name."),
        ("address", "   ", "Please enter your address."),
        ("name", "x" * 101, "at most 100"),
        ("address", "x" * 301, "at most 300"),
        ("email", "not-an-email", "Please enter a valid e-mail address"),
        ("email", "a@b", "Please enter a valid e-mail address"),
        ("postal_code", "", "Please enter your postal code."),
        ("postal_code", "123-456", "7 digits"),
        ("postal_code", "1234-5678", "7 digits"),
        ("postal_code", "abc-defg", "7 digits"),
        ("postal_code", "１２３​４５６７", "control or invisible"),
        ("phone", "call me", "digits"),
        ("phone", "12", "digits"),
        ("name", "Bob\x00", "control or invisible"),
        ("name", "Bob\x1b[31m", "control or invisible"),
        ("name", "evil\u202etxt.exe", "control or invisible"),
        ("email", "hana\u200bko@example.jp", "control or invisible"),
        ("email", "hana\u00adko@example.jp", "control or invisible"),
        ("phone", "090\u20601234\ufeff5678", "control or invisible"),
        ("address", "Tokyo\u200b", "control or invisible"),
        ("name", '=HYPERLINK("http://x")', "may not start with"),
        ("address", "+cmd|' /C calc'!A0", "may not start with"),
        ("name", "@SUM(A1)", "may not start with"),
        ("email", "=x@example.jp", "may not start with"),
    ],
)
def test_bad_fields_are_refused_with_a_message(field, value, message):
    found = errors(**{field: value})
    assert list(found) == [field]
    assert message in found[field]


def test_a_newline_is_allowed_in_the_address_only():
    assert "name" in errors(name="Bob\nSmith")
    assert clean_contact({**GOOD, "address": "line 1\r\nline 2"}).address == "line 1\nline 2"


def test_missing_fields_are_all_reported():
    with pytest.raises(ContactError) as info:
        clean_contact({})
    assert set(info.value.errors) == {"name", "postal_code", "address", "phone", "email"}


@pytest.mark.parametrize(
    "written",
    ["123-4567", "1234567", "〒123-4567", "〒１２３－４５６７", "１２３ー４５６７", " 123 4567 "],
)
def test_a_postal_code_is_kept_as_123_4567_however_it_is_written(written):
    assert clean_contact({**GOOD, "postal_code": written}).postal_code == "123-4567"


def test_every_problem_is_a_whole_sentence_that_keeps_its_message_id():
    with pytest.raises(ContactError) as info:
        clean_contact({**GOOD, "name": "x" * 101, "phone": ""})
    long = info.value.errors["name"]
    assert long == "Your name must be at most 100 characters."
    assert long.message == "Your name must be at most %(limit)d characters."
    assert long.params == {"limit": 100}
    assert info.value.errors["phone"] == "Please enter your phone number."


def test_the_printable_shortcut_refuses_exactly_what_the_character_check_does():
    import sys
    import unicodedata

    from app.lottery import contact

    def slow(name, value):
        allowed = (
            {"\n", *contact.JOINERS}
            if name == "address"
            else (contact.JOINERS if name == "name" else set())
        )
        return any(contact._odd(ch) and ch not in allowed for ch in value)

    # One character of every category, and the ones the fields allow.
    seen, chars = set(), ["\n", "\u3000", *contact.JOINERS]
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category not in seen:
            seen.add(category)
            chars.append(chr(code))
    for name in ("name", "address", "email"):
        for ch in chars:
            value = f"Hanako{ch}Sato"
            refused = contact._problem(name, value, 200) == "control"
            assert refused == slow(name, value), (name, hex(ord(ch)))
