"""Digest authentication and registrations of operators' phones (RFC 3261 §22, RFC 2617
MD5 with qop=auth). No sippy here: the sippy side hands us header text and gets header text back.

Nonces carry their own time and an HMAC, so any nonce we issued can be checked without
keeping it, and expires after `nonce_ttl` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

REALM = "switchboard"

_PARAM = re.compile(r'\s*([A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]+)\s*,?')


def parse_digest(header: str) -> dict[str, str]:
    """The parameters of `Digest k=v, k="v", ...` (keys lower-case); {} if it is not Digest."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return {}
    params = {}
    for key, value in _PARAM.findall(rest):
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[key.lower()] = value
    return params


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def ha1_of(username: str, realm: str, password: str) -> str:
    """HA1 = MD5(username:realm:password): what we store instead of a phone's password."""
    return _md5(f"{username}:{realm}:{password}")


def digest_response(params: dict[str, str], method: str, password: str) -> str:
    """The `response` a client knowing `password` sends with these parameters."""
    return response_from_ha1(params, method, ha1_of(params["username"], params["realm"], password))


def response_from_ha1(params: dict[str, str], method: str, ha1: str) -> str:
    """The expected `response`, from the stored HA1 (no password needed)."""
    ha2 = _md5(f"{method}:{params['uri']}")
    if params.get("qop") == "auth":
        return _md5(f"{ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:auth:{ha2}")
    return _md5(f"{ha1}:{params['nonce']}:{ha2}")


class DigestAuth:
    def __init__(self, realm: str = REALM, nonce_ttl: float = 300.0, secret: bytes | None = None):
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self._secret = secret or secrets.token_bytes(32)

    def challenge(self, now: float | None = None) -> str:
        """A WWW-Authenticate value with a fresh nonce."""
        stamp = f"{int(now if now is not None else time.time()):x}"
        nonce = f"{stamp}.{self._sign(stamp)}"
        return f'Digest realm="{self.realm}", nonce="{nonce}", algorithm=MD5, qop="auth"'

    def _sign(self, stamp: str) -> str:
        return hmac.new(self._secret, stamp.encode(), hashlib.sha256).hexdigest()[:32]

    def _nonce_ok(self, nonce: str, now: float) -> bool:
        stamp, _, signature = nonce.partition(".")
        try:
            issued = int(stamp, 16)
        except ValueError:
            return False
        return hmac.compare_digest(signature, self._sign(stamp)) and 0 <= now - issued <= (
            self.nonce_ttl
        )

    def check(self, header: str, method: str, ha1_for, now: float | None = None) -> str | None:
        """The authenticated username, or None. `ha1_for(username)` gives the user's HA1
        (MD5 of username:realm:password, hex), or None for an unknown user."""
        now = now if now is not None else time.time()
        params = parse_digest(header)
        needed = {"username", "realm", "nonce", "uri", "response"}
        if params.get("qop") == "auth":
            needed |= {"nc", "cnonce"}
        if not needed <= params.keys() or params["realm"] != self.realm:
            return None
        if params.get("algorithm", "MD5").upper() != "MD5" or not self._nonce_ok(
            params["nonce"], now
        ):
            return None
        ha1 = ha1_for(params["username"])
        if not ha1:
            return None
        expected = response_from_ha1(params, method, ha1.lower())
        return (
            params["username"]
            if hmac.compare_digest(expected, params["response"].lower())
            else None
        )


@dataclass(frozen=True)
class Binding:
    """Where a registered phone can be reached, until when (monotonic seconds)."""

    extension: str
    host: str
    port: int
    contact: str
    expires_at: float


class Registrations:
    """Extensions' current contacts: one per extension (the last REGISTER wins)."""

    def __init__(self, max_expires: int = 3600, min_expires: int = 60) -> None:
        self.max_expires = max_expires
        self.min_expires = min_expires
        self._bindings: dict[str, Binding] = {}

    def granted(self, asked: int | None) -> int:
        if asked is None:
            return self.max_expires
        return 0 if asked == 0 else max(self.min_expires, min(asked, self.max_expires))

    def register(self, binding: Binding | None, extension: str) -> None:
        if binding is None:
            self._bindings.pop(extension, None)
        else:
            self._bindings[extension] = binding

    def lookup(self, extension: str, now: float) -> Binding | None:
        binding = self._bindings.get(extension)
        if binding is not None and binding.expires_at <= now:
            del self._bindings[extension]
            return None
        return binding
