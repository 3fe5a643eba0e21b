"""A real SMTP server on 127.0.0.1 for tests: aiosmtpd, collecting what it is sent."""

import email
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from app import create_app


@dataclass
class Inbox:
    """Every message the server accepted, as parsed e-mail messages."""

    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)  # recipients answered 550
    delay: float = 0.0  # seconds to wait before accepting each message
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            time.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def body(self, message) -> str:
        return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(inbox: Inbox | None = None):
    """Run an SMTP server on a free 127.0.0.1 port; yield (port, inbox)."""
    inbox = inbox or Inbox()
    port = free_port()  # aiosmtpd cannot bind port 0 itself
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def mail_app(tmp_path, clock, port, **settings):
    """An app on a SQLite file in tmp_path that mails through the test server on `port`."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "kuji.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            **settings,
        }
    )
