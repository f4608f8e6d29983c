"""Zoho's OAuth2 access tokens, as a ``requests`` auth class.

Access tokens come from the refresh-token grant on the region's accounts server, are cached
(per credentials, across client instances: Zoho limits how many tokens a refresh token may
mint in ten minutes) until shortly before they expire, and are renewed when an API call
answers 401. Every request the auth is attached to carries ``Authorization:
Zoho-oauthtoken <token>``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import requests

from ..core.errors import AmbiguousFailure, AuthenticationError, TargetError, TargetUnavailable
from ..core.http import TargetSession, decode_json
from ..core.redact import redact, register_secret

TOKEN_MARGIN = 120.0  # renew the access token this long before it expires


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # on the time.monotonic clock


class ZohoOAuth(requests.auth.AuthBase):
    """Adds a valid access token to each request; ``renew`` replaces one the API refused."""

    _tokens: ClassVar[dict[str, _Token]] = {}
    _tokens_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, session: TargetSession, accounts_url: str, config: Mapping[str, Any]):
        self.session = session
        self.target = session.target
        self.accounts_url = accounts_url
        self.config = config
        self._key = hashlib.sha256("\0".join(
            (accounts_url, config["client_id"], config["client_secret"], config["refresh_token"])
        ).encode()).hexdigest()

    @classmethod
    def forget_tokens(cls) -> None:
        with cls._tokens_lock:
            cls._tokens.clear()

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Zoho-oauthtoken {self.token()}"
        return request

    @staticmethod
    def token_of(request: requests.PreparedRequest | None) -> str | None:
        """The token a sent request carried."""
        header = str(request.headers.get("Authorization", "")) if request is not None else ""
        return header.removeprefix("Zoho-oauthtoken ") or None

    def token(self, renew: str | None = None) -> str:
        """A valid access token: the cached one, or a new one from the refresh-token grant.

        ``renew`` is a token the API just refused: replace it, unless another thread has.
        """
        with self._tokens_lock:
            token = self._tokens.get(self._key)
            if token is not None and token.value != renew and time.monotonic() < token.expires_at:
                return token.value
            token = self._grant()
            self._tokens[self._key] = token
            return token.value

    def _grant(self) -> _Token:
        url = f"{self.accounts_url}/oauth/v2/token"
        form = {
            "grant_type": "refresh_token",
            "client_id": self.config["client_id"],
            "client_secret": self.config["client_secret"],
            "refresh_token": self.config["refresh_token"],
        }
        try:
            response = self.session.request("POST", url, data=form, count_as="auth")
        except AmbiguousFailure as exc:  # asking for a token again is harmless
            raise TargetUnavailable(self.target, exc.reason) from None
        if response.status_code >= 500:
            raise TargetUnavailable(self.target, f"the accounts server {self.accounts_url} failed with "
                                                 f"HTTP {response.status_code}; try again later")
        body = decode_json(self.target, response, hint="check [zoho] data_center, or accounts_url if you set it")
        if not isinstance(body, dict):
            body = {}
        error = str(body.get("error") or "")
        if error or not body.get("access_token"):
            raise self._grant_error(error or f"HTTP {response.status_code}", body)
        value = str(body["access_token"])
        register_secret(value)
        try:
            lifetime = float(body.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        return _Token(value, time.monotonic() + max(lifetime - TOKEN_MARGIN, lifetime / 2))

    def _grant_error(self, error: str, body: Mapping[str, Any]) -> TargetError:
        region = (f"and that data_center ({self.config['data_center']}) is the region the account lives in"
                  if not self.config["accounts_url"] else "and that accounts_url is the account's region")
        target = self.target
        if error == "invalid_code":
            return AuthenticationError(target, f"refresh token refused by {self.accounts_url} ({error}); check "
                                               f"[zoho] refresh_token (it may have been revoked) {region}", code=error)
        if error.startswith("invalid_client"):
            return AuthenticationError(target, f"client refused by {self.accounts_url} ({error}); check [zoho] "
                                               f"client_id and client_secret {region}", code=error)
        description = redact(body.get("error_description") or "")
        if "too many" in description.lower():
            return TargetUnavailable(target, f"the accounts server refuses to issue more tokens for now "
                                             f"({description}); try again in a few minutes", code=error,
                                     detail=description)
        return AuthenticationError(target, f"token request refused by {self.accounts_url} ({redact(error)}"
                                           f"{': ' + description if description else ''}); check [zoho] "
                                           f"client_id, client_secret and refresh_token", code=error,
                                   detail=description)
