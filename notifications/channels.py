"""How each channel delivers one rendered message (docs/notifications.md#plugging-in-a-provider).

EMAIL goes through Django's email framework (EMAIL_BACKEND: SMTP when EMAIL_HOST is set, else the console).
SMS and WHATSAPP go through a text backend named by a dotted path (NOTIFY_SMS_BACKEND, NOTIFY_WHATSAPP_BACKEND):
any class with `send(*, to: str, text: str) -> None` that raises on failure. The default logs that a message
would have gone, never its text (which names a doctor and a time) nor the number. IN_APP needs no delivery:
the member reads it from GET /api/v1/notifications.
"""

import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from notifications.models import Channel

logger = logging.getLogger("notifications")


class PermanentFailure(Exception):
    """A message that can never be delivered (no address): FAILED at once, not retried."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)  # (file name, content, MIME type)


class TextBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class LoggingTextBackend:
    """The development and test backend for SMS and WhatsApp: logs that a message would have gone."""

    def __init__(self, channel: str = "SMS") -> None:
        self.channel = channel

    def send(self, *, to: str, text: str) -> None:
        logger.info("text message not sent (logging backend)", extra={"channel": self.channel, "length": len(text)})


def text_backend(channel: str) -> TextBackend:
    path = settings.NOTIFY_WHATSAPP_BACKEND if channel == Channel.WHATSAPP else settings.NOTIFY_SMS_BACKEND
    backend_class = import_string(path)
    try:
        return backend_class(channel=channel)  # type: ignore[no-any-return]
    except TypeError:
        return backend_class()  # type: ignore[no-any-return]


def send_email(*, to: str, message: Message) -> None:
    """One email to one address (never a CC or BCC list): a member's email reveals no other member."""
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    email.attach_alternative(message.html, "text/html")
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    email.send(fail_silently=False)


def deliver(*, channel: str, to: str, message: Message) -> None:
    """Send `message` on `channel`; raises on failure (PermanentFailure when there is no address)."""
    if channel == Channel.IN_APP:
        return
    if not to:
        raise PermanentFailure("no address")
    if channel == Channel.EMAIL:
        send_email(to=to, message=message)
    else:
        text_backend(channel).send(to=to, text=message.subject)  # a text message carries the subject line
