"""Value types shared by the profile and event models: what each kind of fact must look like.

A value that passes here is possible for what it means, not only well typed: a phone number can be
dialled, a date of birth is not in the future, a review did not happen after the build date, a
required fact is not blank. Checks against the build date read it from the validation context
(``model_validate(data, context={"as_of": day})``, see ``packetgen/pipeline/validate.py``); without one
(a test building a model by hand) they are skipped.

Messages are in the words of the person editing the file, never the value itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationInfo

OLDEST_AGE = 120
"""A date of birth more than this many years before the build date is a typo (the oldest person on
record lived to 122)."""
EARLIEST = dt.date(1900, 1, 1)
"""No review, consent or event in these records can be older than this: an earlier date is a typo."""

NOT_A_DATE = "not a date: write the date as YYYY-MM-DD (year first)"
NOT_A_TIME = "not a date and time: write the date and time as YYYY-MM-DD HH:MM"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text that says something: a blank value is not a fact (``verified_by: ""`` is not a verification)."""


def build_date(info: ValidationInfo) -> dt.date | None:
    """The build date (``--as-of``) this validation runs for, if the caller gave one."""
    context = info.context if isinstance(info.context, dict) else {}
    day = context.get("as_of")
    return day if isinstance(day, dt.date) else None


def _date_input(value: Any) -> Any:
    # A number is not a date: pydantic would read 19410314 or 0 as seconds since 1970.
    if isinstance(value, (int, float)) and not isinstance(value, dt.date):
        raise ValueError(NOT_A_DATE)
    return value


def _time_input(value: Any) -> Any:
    if isinstance(value, (int, float)):
        raise ValueError(NOT_A_TIME)
    return value


def _plausible(day: dt.date) -> dt.date:
    if day < EARLIEST:
        raise ValueError(f"is before {EARLIEST.year}: check the year")
    return day


def _not_after_build_date(day: dt.date, info: ValidationInfo) -> dt.date:
    today = build_date(info)
    if today is not None and day > today:
        raise ValueError(
            "is after the build date: it cannot have happened yet, so check the date (or build with a later --as-of)"
        )
    return day


def _born(day: dt.date, info: ValidationInfo) -> dt.date:
    today = build_date(info)
    if today is None:
        return day
    if day > today:
        raise ValueError("is in the future: check the year")
    if day.year < today.year - OLDEST_AGE:
        raise ValueError(f"is more than {OLDEST_AGE} years ago: check the year")
    return day


def _local(value: dt.datetime) -> dt.datetime:
    _plausible(value.date())
    if value.tzinfo is not None:
        raise ValueError("has a time zone: write local service time as YYYY-MM-DD HH:MM, without a zone")
    return value


def _time_not_after_build_date(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    _not_after_build_date(value.date(), info)
    return value


Date = Annotated[dt.date, BeforeValidator(_date_input), AfterValidator(_plausible)]
"""A calendar date, YYYY-MM-DD."""
PastDate = Annotated[Date, AfterValidator(_not_after_build_date)]
"""The date something was done (reviewed, verified, granted): not after the build date."""
BirthDate = Annotated[dt.date, BeforeValidator(_date_input), AfterValidator(_born)]
"""A date of birth: not in the future, not more than ``OLDEST_AGE`` years ago."""
LocalTime = Annotated[dt.datetime, BeforeValidator(_time_input), AfterValidator(_local)]
"""A local service time, YYYY-MM-DD HH:MM, without a time zone."""
PastTime = Annotated[LocalTime, AfterValidator(_time_not_after_build_date)]
"""When something happened (an event, a notification, a response): not after the build date."""


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, float) or (isinstance(value, str) and not value.isdigit()):
        raise ValueError("not a whole number: write it as digits, e.g. 3")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


# --- phone numbers -----------------------------------------------------------------------------

_EXTENSION = re.compile(r"[\s,;]*(?:ext\.?|extension|x)\s*\d{1,6}\Z", re.IGNORECASE)
_DIALABLE = re.compile(r"\+?[0-9(][0-9 ().-]*\Z")
SHORT_CODE = re.compile(r"[0-9]{3,6}\Z")
"""911, 988, 112, 311: a whole number on its own, no separators."""
_HOW = (
    "write the digits, with spaces, dashes, dots or brackets if you like (555-0101, (413) 555-0101, "
    "+1 413 555 0101), and 'ext. 12' for an extension"
)


def dialable(number: str) -> bool:
    """A full number: 7 to 15 digits (E.164's maximum), the usual separators, an optional leading +
    country code and an optional extension."""
    main = _EXTENSION.sub("", number.strip())
    if not _DIALABLE.match(main) or main.count("(") != main.count(")"):
        return False
    return 7 <= sum(c.isdigit() for c in main) <= 15


def _phone(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # only plain decimal numbers reach here (see the loader), so no digit is lost
    return value


def _full_number(number: str) -> str:
    if not dialable(number):
        raise ValueError(f"not a phone number that can be dialled: {_HOW}")
    return number


def _number_or_short_code(number: str) -> str:
    if not (dialable(number) or SHORT_CODE.match(number)):
        raise ValueError(f"not a phone number that can be dialled: {_HOW}, or a short code such as 988")
    return number


Phone = Annotated[Text, BeforeValidator(_phone), AfterValidator(_full_number)]
"""A person's number (supervisor, decision-maker): a full number, never a short code."""
ContactPhone = Annotated[Text, BeforeValidator(_phone), AfterValidator(_number_or_short_code)]
"""A number on the contact list, where a crisis line's short code (988, 211) makes sense too."""
