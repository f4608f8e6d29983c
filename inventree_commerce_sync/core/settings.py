"""A target's settings: how each is declared, parsed and checked.

A client is built from a plain dict of settings (a TOML table, or a plugin's settings page)
described by its ``FIELDS`` plus the ``SHARED_FIELDS`` every target takes. ``parse_bool``
is the one reading of a yes/no value, used wherever one is read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .http import check_base_url
from .redact import register_secret

TRUE_WORDS = frozenset({"true", "yes", "on", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", "n"})


def parse_bool(value: object) -> bool:
    """A yes/no value as a bool: a bool, 0 or 1, or one of the words true/false, yes/no,
    on/off, 1/0, y/n in any letter case; anything else raises ValueError saying so."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"must be true or false (got {value!r})")


def parse_verify(value: object) -> bool | str:
    """TLS verification: a yes/no value, or the path of an existing CA bundle file."""
    try:
        return parse_bool(value)
    except ValueError:
        pass
    path = str(value).strip()
    if os.path.isfile(path):
        return path
    raise ValueError(f"must be true, false, or the path of an existing CA bundle file (got {value!r}: "
                     "no such file)")


def parse_seconds(value: object) -> float:
    try:
        number = float(str(value))
    except (TypeError, ValueError):
        raise ValueError(f"must be a number (got {value!r})") from None
    if not 0 < number <= 600:
        raise ValueError(f"must be between 0 and 600 seconds (got {value!r})")
    return number


@dataclass(frozen=True)
class ConfigField:
    """One setting of a target: its key in TOML and in the plugin's settings, and its rules.

    ``kind`` is the value's type: str, bool, float (seconds), or "verify" (a bool or the
    path of a CA bundle).
    """

    key: str
    label: str
    description: str
    required: bool = False
    default: Any = None
    secret: bool = False
    choices: tuple[str, ...] = ()
    kind: type | str = str

    def parse(self, value: Any) -> Any:
        """The value as the client uses it; ValueError saying what is wrong (not naming the key)."""
        if self.choices and str(value) not in self.choices:
            raise ValueError(f"must be one of {', '.join(self.choices)} (got {value!r})")
        if self.kind is bool:
            return parse_bool(value)
        if self.kind is float:
            return parse_seconds(value)
        if self.kind == "verify":
            return parse_verify(value)
        return str(value)

    def error(self, target: str, problem: str) -> ConfigError:
        return ConfigError(problem, target=target, key=self.key)


# Keys every target takes besides its own.
SHARED_FIELDS: tuple[ConfigField, ...] = (
    ConfigField("timeout", "Timeout", "Seconds to wait for each answer", default=30.0, kind=float),
    ConfigField("verify", "Verify TLS", "true, false, or the path of a CA bundle; false is insecure",
                default=True, kind="verify"),
    ConfigField(
        "allow_insecure_http", "Allow plain HTTP",
        "Allow http:// to a host that is not loopback (credentials travel unencrypted)", default=False, kind=bool,
    ),
)


def validate_settings(target: str, fields: tuple[ConfigField, ...], settings: Mapping[str, Any], *,
                      api_paths: tuple[str, ...] = ()) -> dict[str, Any]:
    """Settings checked and completed with defaults, or a ConfigError naming the key."""
    known = {f.key for f in fields}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ConfigError(f"[{target}] unknown key {unknown[0]!r}; known keys: {', '.join(sorted(known))}")
    config: dict[str, Any] = {}
    for f in fields:
        value = settings.get(f.key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if f.required:
                raise f.error(target, f"is missing ({f.description})")
            value = f.default
        else:
            try:
                value = f.parse(value)
            except ValueError as exc:
                raise f.error(target, str(exc)) from None
        if f.secret and value:
            register_secret(value)
        config[f.key] = value
    if "url" in config:
        config["url"] = check_base_url(target, config["url"], allow_insecure_http=config["allow_insecure_http"],
                                       api_paths=api_paths)
    return config
