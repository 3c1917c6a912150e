"""HTTP plumbing shared by the IDP, SOAP and REST clients: TLS settings and error mapping to typed errors.

- Transport failures (refused, DNS, time-outs, dropped connections) -> UnreachableError; a failed TLS
  handshake -> TlsError with the reason (untrusted or mismatched certificate).
- HTTP statuses and the REST error envelope ``{"error":{"httpCode":…,"details":[{"errorText":…}]}}``
  (MILESTONE_PROTOCOL.md §2) -> AuthenticationError (401), PermissionDeniedError (403), NotFoundError (404),
  MilestoneError otherwise.

Messages name the method and the URL path only (never the query, headers or body), so no token or password
can leak into an exception or a log line.
"""

from __future__ import annotations

import json
import ssl
from urllib.parse import urlsplit

import httpx

from milestone.errors import (
    AuthenticationError,
    MilestoneError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    TlsError,
    UnreachableError,
)

VerifyTls = bool | str  # True: system CAs; False: no verification (lab only); str: path of a CA bundle (PEM)


def ssl_verify(verify_tls: VerifyTls) -> bool | ssl.SSLContext:
    """Translate the ``verify_tls`` setting into httpx's ``verify`` argument.

    A string is a CA bundle file (PEM) trusted in addition to nothing else, for sites with their own CA.
    Raises TlsError when that file cannot be loaded.
    """
    if isinstance(verify_tls, str):
        return client_ssl_context(verify_tls)
    return bool(verify_tls)


def client_ssl_context(verify_tls: VerifyTls = True) -> ssl.SSLContext:
    """An SSLContext for raw TLS sockets (ImageServer on an encrypted recording server).

    ``True``: system CAs and host name check; ``False``: no verification; ``str``: that CA bundle.
    Raises TlsError when the CA bundle cannot be loaded.
    """
    if isinstance(verify_tls, str):
        try:
            return ssl.create_default_context(cafile=verify_tls)
        except (OSError, ssl.SSLError) as exc:
            raise TlsError(f"cannot load the CA bundle {verify_tls!r}: {exc}") from exc
    ctx = ssl.create_default_context()
    if not verify_tls:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def url_label(url: str | httpx.URL) -> str:
    """``scheme://host:port/path`` of a URL, without user info or query, for messages."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _ssl_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError | ssl.CertificateError):
            return cur
        cur = cur.__cause__ or cur.__context__
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "TLS" in text:
        return exc
    return None


def transport_error(exc: BaseException, what: str) -> MilestoneError:
    """Map an httpx/OS transport failure of request ``what`` (e.g. ``"POST https://host/IDP/…"``)."""
    tls = _ssl_cause(exc)
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or str(tls) or type(tls).__name__
        return TlsError(
            f"TLS handshake failed for {what}: {reason}. Check that the server certificate is trusted by this "
            "machine (or configure the site's CA bundle) and that the host name matches the certificate."
        )
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return UnreachableError(f"{what} timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.RemoteProtocolError):
        return UnreachableError(f"{what}: the server closed the connection or broke HTTP ({exc})")
    detail = str(exc) or type(exc).__name__
    return UnreachableError(f"cannot reach {what}: {detail}")


def rest_error_text(response: httpx.Response) -> str:
    """The ``errorText`` items of a REST error envelope, joined; else a short excerpt of the body."""
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return response.text[:200].strip()
    if isinstance(payload, dict):
        err = payload.get("error")
        if isinstance(err, dict):
            details = err.get("details") or []
            texts = []
            for item in details if isinstance(details, list) else []:
                if isinstance(item, dict):
                    text = str(item.get("errorText") or "")
                    code = item.get("errorTextId")
                    texts.append(f"{text} ({code})" if code else text)
            if texts:
                return "; ".join(t for t in texts if t)
            if err.get("message"):
                return str(err["message"])
        if isinstance(err, str):  # OAuth style {"error": "invalid_grant", "error_description": ...}
            desc = payload.get("error_description")
            return f"{err}: {desc}" if desc else err
    return str(payload)[:200]


def status_error(response: httpx.Response, what: str) -> MilestoneError:
    """The typed error for a non-success HTTP response to request ``what``."""
    code = response.status_code
    text = rest_error_text(response)
    message = f"{what} failed with HTTP {code}" + (f": {text}" if text else "")
    if code == 401:
        return AuthenticationError(message)
    if code == 403:
        return PermissionDeniedError(message)
    if code == 404:
        return NotFoundError(message)
    return MilestoneError(message)


def json_body(response: httpx.Response, what: str) -> object:
    """Decode a JSON response body; raises ProtocolError when it is not JSON."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"{what} returned a body that is not JSON") from exc
