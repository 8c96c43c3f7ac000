"""Phone numbers as people type them, turned into E.164 with the configured default region."""

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _


class InvalidPhone(ValueError):
    """A phone number that cannot be a real number; the message says why."""


_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: lambda: _("unknown country code"),
    phonenumbers.ValidationResult.TOO_SHORT: lambda: _("too short"),
    phonenumbers.ValidationResult.TOO_LONG: lambda: _("too long"),
    phonenumbers.ValidationResult.INVALID_LENGTH: lambda: _("wrong number of digits"),
}


def default_region() -> str:
    return settings.SWITCHBOARD["DEFAULT_REGION"]


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of `raw` or raise InvalidPhone saying what is wrong with it.

    Accepts the formats callers and spreadsheets use: "01712-345678", "+880 1712 345678",
    "8801712345678" (a country code without the plus), Bengali digits.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(_("The phone number is empty."))
    region = region or default_region()
    candidates = [text]
    digits = "".join(ch for ch in phonenumbers.normalize_digits_only(text))
    if not text.startswith("+") and digits and not digits.startswith("0"):
        # "8801712345678": an international number written without its plus.
        candidates.append("+" + digits)
    reason = None
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            reason = reason or _("not a phone number")
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if reason is None:
            possible = phonenumbers.is_possible_number_with_reason(number)
            reason = _REASONS.get(possible, lambda: _("not a valid number in this country"))()
    raise InvalidPhone(
        _("“%(raw)s” is not a valid phone number: %(reason)s.") % {"raw": text, "reason": reason}
    )


def format_phone(e164: str) -> str:
    """An E.164 number written the way people of the default region read it."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == default_region():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
