"""The errors the package raises. Every message is meant to be read by an admin as it is."""


class SyncError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigError(SyncError):
    """A setting is missing or wrong. The message names the setting."""


class InputError(SyncError):
    """Input data (a levels file, a SKU, a quantity) is unusable. The message names where."""


class TargetError(SyncError):
    """The target answered with an error, or could not be reached.

    ``target`` is the target's name; ``status`` the HTTP status where there was one.
    """

    def __init__(self, target: str, message: str, *, status: int | None = None):
        self.target = target
        self.status = status
        super().__init__(f"{target}: {message}")


class AuthenticationError(TargetError):
    """The credentials were refused. The message says which setting to fix."""


class TargetUnavailable(TargetError):
    """The target could not be reached, timed out, failed TLS, or kept answering 5xx."""


class ProtocolError(TargetError):
    """The target answered something that is not its API (HTML, invalid JSON, wrong shape)."""


class AmbiguousFailure(TargetUnavailable):
    """A write was sent but its answer was lost or a 5xx: it may or may not have been applied."""
