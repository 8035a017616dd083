"""A real SMTP server for tests of mail that must survive a mail server being down.

    from tests import smtp_server
    from tests.smtp_server import running_smtp_server

    smtp_port = smtp_server.smtp_port  # the fixture, in this module

    def test_x(settings, smtp_port, ...):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
        ...                                   # nothing listens: the mail waits
        with running_smtp_server(smtp_port) as server:
            deliver(now=later)
        assert server.messages[0]["X-Envelope-To"] == ...

`smtp_port` is a free localhost port with nothing listening on it (a closed port, so
a connection is refused at once); `running_smtp_server(port)` starts aiosmtpd there
and collects every message it receives as an `email.message.EmailMessage`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@contextmanager
def running_smtp_server(port: int) -> Iterator[Collector]:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port) -> Iterator[Collector]:
    """A running server on `smtp_port` for the whole test."""
    with running_smtp_server(smtp_port) as collector:
        yield collector
