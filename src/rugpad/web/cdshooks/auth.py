"""Who is calling: the CDS client's signed JWT (CDS Hooks 2.0, "Trusting CDS Clients"), checked against the
issuers this installation trusts.

`RUGPAD_CDS_ISSUERS` (a setting or the environment) is a JSON object — or the path of a file holding one — that maps
each trusted issuer (the token's `iss`) to where its public keys are, optionally the country whose phone numbers
the cards name (``nl``, the default, or ``be``), and optionally the rugpad practice (its number) that uses this
client — its calls then appear in that practice's audit log, where its admin reads them::

    {"https://ehr.example.nl": {"jwks_url": "https://ehr.example.nl/.well-known/jwks.json", "practice": 1},
     "https://gp.example.be": {"jwks_file": "/etc/rugpad/gp-jwks.json", "country": "be"}}

A token passes when its issuer is listed, its header names an asymmetric algorithm (RS256/384, ES256/384 — never
`none` or a shared-secret HS*), a `jku` header (if any) is the issuer's own `jwks_url`, the signature verifies with
the issuer's key (by `kid`), `aud` is this endpoint's URL, `exp` is at most five minutes ahead, `iat` is not in the
future, and `sub` and `jti` are present (30 seconds of clock leeway). The `jti` is made single-use by the caller
(`actions.do_record_call`), in the database, so every worker process agrees.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("rugpad.cdshooks")

ALGORITHMS = ("RS256", "RS384", "ES256", "ES384")
"""Asymmetric only: the client signs with a private key, rugpad holds only public keys. RS384/ES384 are what SMART
Backend Services clients use; RS256/ES256 are common elsewhere."""
LEEWAY_SECONDS = 30
MAX_LIFETIME_SECONDS = 5 * 60
"""CDS Hooks: a token expires at most five minutes after it is made."""
JWKS_TIMEOUT_SECONDS = 3
JWKS_CACHE_SECONDS = 300
COUNTRIES = ("nl", "be")


class Unauthorized(Exception):
    """The request is not from a trusted client; the message says why (for the log and the 401's description)."""


@dataclass(frozen=True, slots=True)
class Issuer:
    iss: str
    jwks_url: str = ""
    jwks_file: str = ""
    country: str = "nl"
    practice_id: int | None = None


@dataclass(frozen=True, slots=True)
class Caller:
    """A verified CDS client: who (issuer and subject), the token's id and expiry, its country and practice."""

    issuer: str
    subject: str
    jti: str
    expires_at: float
    country: str
    practice_id: int | None = None


def _raw_config() -> str:
    configured = getattr(settings, "RUGPAD_CDS_ISSUERS", None)
    return configured if configured is not None else os.environ.get("RUGPAD_CDS_ISSUERS", "")


@lru_cache(maxsize=4)
def parse_issuers(raw: str) -> Mapping[str, Issuer]:
    """The trusted issuers from the setting's text (JSON, or the path of a JSON file); ImproperlyConfigured names
    what is wrong."""
    raw = raw.strip()
    if not raw:
        return {}
    try:
        if raw.startswith("{"):
            data = json.loads(raw)
        else:
            with open(raw, encoding="utf-8") as handle:
                data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"RUGPAD_CDS_ISSUERS: not a JSON object or a readable JSON file: {exc}") from exc
    if not isinstance(data, dict):
        raise ImproperlyConfigured("RUGPAD_CDS_ISSUERS: must be a JSON object of issuer -> settings")
    issuers: dict[str, Issuer] = {}
    for iss, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"jwks_url", "jwks_file", "country", "practice"}:
            raise ImproperlyConfigured(
                f"RUGPAD_CDS_ISSUERS: {iss}: allowed keys are jwks_url, jwks_file, country, practice"
            )
        url, path = str(entry.get("jwks_url", "")), str(entry.get("jwks_file", ""))
        if bool(url) == bool(path):
            raise ImproperlyConfigured(f"RUGPAD_CDS_ISSUERS: {iss}: give exactly one of jwks_url and jwks_file")
        if url and not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"RUGPAD_CDS_ISSUERS: {iss}: jwks_url must be an http(s) URL")
        country = str(entry.get("country", "nl"))
        if country not in COUNTRIES:
            raise ImproperlyConfigured(f"RUGPAD_CDS_ISSUERS: {iss}: country must be nl or be")
        practice = entry.get("practice")
        if practice is not None and (type(practice) is not int or practice < 1):
            raise ImproperlyConfigured(f"RUGPAD_CDS_ISSUERS: {iss}: practice must be a practice's number (1, 2, …)")
        issuers[iss] = Issuer(iss, url, path, country, practice)
    return issuers


def issuers() -> Mapping[str, Issuer]:
    return parse_issuers(_raw_config())


_clients: dict[str, jwt.PyJWKClient] = {}
_clients_lock = threading.Lock()


def _url_key(url: str, kid: str | None) -> jwt.PyJWK:
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = jwt.PyJWKClient(
                url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS
            )
    if kid is None:
        keys = client.get_signing_keys()
        if len(keys) != 1:
            raise Unauthorized("the token has no kid and the issuer's key set holds more than one key")
        return keys[0]
    return client.get_signing_key(kid)


@lru_cache(maxsize=32)
def _file_keys(path: str, modified: float) -> jwt.PyJWKSet:
    with open(path, encoding="utf-8") as handle:
        return jwt.PyJWKSet.from_json(handle.read())


def _file_key(path: str, kid: str | None) -> jwt.PyJWK:
    try:
        keys = _file_keys(path, os.stat(path).st_mtime)
    except OSError as exc:
        raise Unauthorized(f"the issuer's key file cannot be read: {exc.strerror}") from exc
    if kid is None:
        if len(keys.keys) != 1:
            raise Unauthorized("the token has no kid and the issuer's key set holds more than one key")
        return keys.keys[0]
    try:
        return keys[kid]
    except KeyError:
        raise Unauthorized(f"no key {kid!r} in the issuer's key set") from None


def _signing_key(issuer: Issuer, header: Mapping[str, Any]) -> Any:
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise Unauthorized("kid must be a string")
    jku = header.get("jku")
    if jku is not None and jku != issuer.jwks_url:
        raise Unauthorized("jku is not the issuer's configured key set URL")
    try:
        jwk = _file_key(issuer.jwks_file, kid) if issuer.jwks_file else _url_key(issuer.jwks_url, kid)
    except jwt.PyJWKClientError as exc:
        raise Unauthorized(f"the issuer's key set: {exc}") from exc
    alg = header["alg"]
    declared = jwk._jwk_data.get("alg")  # a key that names its algorithm is used for that one only
    if declared is not None and declared != alg:
        raise Unauthorized(f"the key {kid!r} is for {declared}, not {alg}")
    if (alg[:2] == "RS" and jwk.key_type != "RSA") or (alg[:2] == "ES" and jwk.key_type != "EC"):
        raise Unauthorized(f"the key {kid!r} is not a key for {alg}")
    return jwk.key


def verify(authorization: str, audiences: list[str]) -> Caller:
    """The caller behind an `Authorization: Bearer <JWT>` header, or Unauthorized saying why."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("an Authorization: Bearer <JWT> header is required")
    token = token.strip()
    try:
        parts = jwt.api_jwt.decode_complete(token, options={"verify_signature": False})
        header, unverified = parts["header"], parts["payload"]
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"not a JWT: {exc}") from exc
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise Unauthorized(f"algorithm {alg!r} is not accepted; use one of {', '.join(ALGORITHMS)}")
    iss = unverified.get("iss")
    issuer = issuers().get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise Unauthorized(f"issuer {iss!r} is not trusted")
    key = _signing_key(issuer, header)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=audiences,
            issuer=issuer.iss,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"], "enforce_minimum_key_length": True},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized(str(exc) or type(exc).__name__) from exc
    if claims["exp"] > time.time() + MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
        raise Unauthorized("exp is more than five minutes ahead")
    sub, jti = claims["sub"], claims["jti"]
    if not isinstance(sub, str) or not sub or not isinstance(jti, str) or not jti or len(jti) > 200:
        raise Unauthorized("sub and jti must be non-empty strings (jti at most 200 characters)")
    return Caller(issuer.iss, sub[:300], jti, float(claims["exp"]), issuer.country, issuer.practice_id)
