"""The errors the package raises. Every message is meant to be read by an admin as it is.

The errors carry their parts as attributes, so that no caller needs to take a message
apart: a ConfigError names its target and setting key (the command line says
``[magento] store_code``, the plugin's settings page says "Store code"), a TargetError its
HTTP status, the service's own error code and the service's own text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class SyncError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(SyncError):
    """A setting is missing or wrong.

    ``problem`` says what is wrong with setting ``key`` of ``target`` ("is missing",
    "must be true or false (got 'x')"). The message puts the key first as the command line
    spells it, ``[magento] store_code is missing``; ``naming`` words it for another surface.
    Without a key, the message is ``problem`` alone.
    """

    def __init__(self, problem: str, *, target: str = "", key: str = ""):
        self.problem = problem
        self.target = target
        self.key = key
        super().__init__(self.naming(lambda key: f"[{target}] {key}" if target else key))

    def naming(self, name_of: Callable[[str], str]) -> str:
        """The message with the setting named by ``name_of(key)`` (e.g. the settings' label)."""
        if not self.key:
            return self.problem
        return f"{name_of(self.key)} {self.problem}"


class InputError(SyncError):
    """Input data (a levels file, a SKU, a quantity) is unusable. The message names where."""


class TargetError(SyncError):
    """The target answered with an error, or could not be reached.

    ``target`` is the target's name; ``status`` the HTTP status where there was one;
    ``code`` the service's own error code and ``detail`` its own error text, where it sent
    them; ``fix`` the keys of the settings to check, which the message names after it;
    ``reason`` the message without the target's name in front.
    """

    def __init__(self, target: str, message: str, *, status: int | None = None, code: object = None,
                 detail: str = "", fix: tuple[str, ...] = ()):
        self.target = target
        self.message = message
        self.status = status
        self.code = code
        self.detail = detail
        self.fix = fix  # the keys of the settings to check
        self.reason = self._worded(lambda key: key, prefix=f"[{target}] ")
        super().__init__(f"{target}: {self.reason}")

    def naming(self, name_of: Callable[[str], str]) -> str:
        """The message with the settings to check named by ``name_of(key)`` (e.g. their labels)."""
        return f"{self.target}: {self._worded(name_of)}"

    def _worded(self, name_of: Callable[[str], str], *, prefix: str = "") -> str:
        if not self.fix:
            return self.message
        return f"{self.message} (check {prefix}{' and '.join(map(name_of, self.fix))})"

    def same_refusal(self, other: TargetError) -> bool:
        """Whether ``other`` is the very same refusal (status, code and the service's text)."""
        return (self.status, self.code, self.detail or self.message) == \
            (other.status, other.code, other.detail or other.message)


class AuthenticationError(TargetError):
    """The credentials were refused. The message says which setting to fix."""


class TargetUnavailable(TargetError):
    """The target could not be reached, timed out, failed TLS, or kept answering 5xx."""


class ProtocolError(TargetError):
    """The target answered something that is not its API (HTML, invalid JSON, wrong shape)."""


class AmbiguousFailure(TargetUnavailable):
    """A write was sent but its answer was lost or a 5xx: it may or may not have been applied."""


def worded_with_labels(exc: BaseException, target: str, labels: Mapping[str, str]) -> str:
    """The message of ``exc`` for a settings page: the settings of ``target`` named by their
    ``labels`` (key -> label) where the command line names them ``[target] key``: the setting
    an error is about leads its message ("Store code 'x' is not a store code"), one named
    inside a sentence is quoted ('check the access token in "Access token"')."""
    if isinstance(exc, ConfigError) and exc.target == target:
        text = exc.naming(lambda key: labels.get(key, key))
    elif isinstance(exc, TargetError) and exc.target == target:
        text = exc.naming(lambda key: f'"{labels.get(key, key)}"')
    else:
        text = str(exc)
    for key in sorted(labels, key=len, reverse=True):  # api_url before url
        text = text.replace(f"[{target}] {key}", f'"{labels[key]}"')  # quoted: it stands inside a sentence
    return text
