"""Log lines carry no personal data, free text, tokens or query strings."""

import json
import logging

import pytest
from django.urls import reverse

from peerstod.core.logs import JsonFormatter, NoPersonalDataFilter

PERSONNUMMER = "19850101-1236"


@pytest.fixture
def log_lines(caplog):
    caplog.set_level(logging.INFO)
    formatter, keep_out = JsonFormatter(), NoPersonalDataFilter()

    def lines():
        out = []
        for record in caplog.records:
            keep_out.filter(record)
            out.append(formatter.format(record))
        return out

    return lines


def test_a_request_is_one_json_line_by_url_pattern_without_what_was_sent(client, db, log_lines):
    client.post(
        reverse("accounts:login") + "?next=/hemligt/",
        {"username": "lina@test.se", "password": PERSONNUMMER},
    )
    lines = [json.loads(line) for line in log_lines()]
    requests = [line for line in lines if line["logger"] == "peerstod.request"]
    assert len(requests) == 1
    assert requests[0]["route"] == "konto/logga-in/"
    assert requests[0]["method"] == "POST"
    assert requests[0]["status"] == 200
    text = "\n".join(log_lines())
    assert PERSONNUMMER not in text
    assert "lina@test.se" not in text
    assert "hemligt" not in text


def test_a_token_in_the_address_never_reaches_the_log(client, db, log_lines):
    client.get("/ansokan/hemlig-token-123/")
    text = "\n".join(log_lines())
    assert "hemlig-token-123" not in text
    assert '"route": "ansokan/<str:token>/"' in text


def test_an_error_logs_its_type_and_place_not_its_message(log_lines):
    logger = logging.getLogger("django.request")
    try:
        raise ValueError(f"could not parse {PERSONNUMMER}")
    except ValueError:
        logger.exception("Internal Server Error: /ansok/%s/", "hemlig")
    text = "\n".join(log_lines())
    assert PERSONNUMMER not in text
    assert "hemlig" not in text
    assert '"error": "ValueError"' in text
