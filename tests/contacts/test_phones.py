import pytest

from switchboard.contacts.phones import InvalidPhone, format_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "01712-345678",
        "+880 1712 345678",
        "8801712345678",
        "01712345678",
        "+8801712345678",
        "০১৭১২৩৪৫৬৭৮",
    ],
)
def test_every_common_way_of_writing_a_bangladeshi_mobile_gives_one_number(raw):
    assert normalize_phone(raw) == "+8801712345678"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("hello", "not a phone number"),
        ("1234", "too short"),
        ("0171234", "not a valid number in this country"),
        ("017123456789999", "too long"),
    ],
)
def test_an_invalid_number_is_refused_with_the_reason(raw, reason):
    with pytest.raises(InvalidPhone, match=reason):
        normalize_phone(raw)


def test_the_default_region_is_a_setting(settings):
    settings.SWITCHBOARD = {**settings.SWITCHBOARD, "DEFAULT_REGION": "GB"}
    assert normalize_phone("020 7946 0018") == "+442079460018"


def test_a_local_number_is_shown_in_the_national_format():
    assert format_phone("+8801712345678") == "01712-345678"
