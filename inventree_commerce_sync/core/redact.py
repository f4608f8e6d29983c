"""Keep secrets out of log lines, exception texts and reports.

Every client registers the secrets of its configuration here as it is built. ``redact``
replaces each of them (and their URL-encoded forms) with ``***``; ``RedactingFilter`` does
the same to every log record of the loggers that could carry a URL or a header.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"

# Query parameters and header names whose values are secret whatever they hold.
_SECRET_PARAMS = re.compile(
    r"(?i)\b(consumer_key|consumer_secret|oauth_signature|oauth_consumer_key|client_secret|"
    r"refresh_token|access_token|token|api_key|password)=([^&\s\"']+)"
)
_SECRET_HEADERS = re.compile(
    r"(?i)\b(authorization|x-api-token)(['\"]?\s*[:=]\s*['\"]?)([^'\"\n,}]+)"
)

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

# Shorter strings are too likely to occur by chance in normal text to be masked blindly.
MIN_SECRET_LENGTH = 4


def register_secret(value: object) -> None:
    """Mask ``value`` (and its URL-encoded forms) wherever it appears from now on."""
    global _pattern
    text = str(value or "")
    if len(text) < MIN_SECRET_LENGTH:
        return
    with _lock:
        before = len(_secrets)
        _secrets.update({text, quote(text, safe=""), quote_plus(text)})
        if len(_secrets) != before:
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: object) -> str:
    """Return ``text`` as a string with every known secret and secret-looking value masked."""
    result = str(text)
    pattern = _pattern
    if pattern is not None:
        result = pattern.sub(MASK, result)
    result = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}={MASK}", result)
    return _SECRET_HEADERS.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", result)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, with its arguments merged in, through ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not a leak
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER = RedactingFilter()

# Third-party loggers that log URLs (with query strings) or headers.
_THIRD_PARTY_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.util.retry",
    "requests_oauthlib.oauth1_auth",
    "oauthlib.oauth1.rfc5849",
)


def get_logger(name: str) -> logging.Logger:
    """A logger whose records are redacted. Every module of the package logs through one."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


for _name in _THIRD_PARTY_LOGGERS:
    get_logger(_name)
