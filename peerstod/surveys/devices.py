"""One answer per device through a round's open staff link.

After an answer through the link, the device keeps a signed cookie naming the round;
the link then thanks instead of asking again. The cookie says only that this browser
has answered in the round, never what, and nothing on the server ties it to the answer.
A person who clears it can answer again: the rate limit per address
(`RATE_LIMITS["survey_link_answer"]`) bounds how far that goes."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "peerstod_answered"
SALT = "peerstod.surveys.device"
KEEP = 30  # rounds remembered
MAX_AGE = 400 * 24 * 3600


def _rounds(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)
    return [code for code in value.split(".") if code][-KEEP:]


def answered(request: HttpRequest, survey_round) -> bool:
    return survey_round.link_code in _rounds(request)


def remember(response: HttpResponse, request: HttpRequest, survey_round) -> None:
    codes = [c for c in _rounds(request) if c != survey_round.link_code]
    codes.append(survey_round.link_code)
    response.set_signed_cookie(
        COOKIE,
        ".".join(codes[-KEEP:]),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
