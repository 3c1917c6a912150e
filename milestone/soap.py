"""SOAP 1.1 over HTTP: post an envelope, map faults and statuses to typed errors, return the response element.

Used by the SOAP ``Login`` (WCF, MILESTONE_PROTOCOL.md §1) and by RecorderCommandService (ASMX, §4).
Faults look like ``<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Token invalid</faultstring>
<detail><ErrorNumber/><SubErrorNumber>2</SubErrorNumber></detail></soap:Fault>``; "No token supplied" is
SubErrorNumber 1. Token faults become AuthenticationError so that callers renew the vms_token and retry.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from milestone import xmlutil
from milestone.errors import AuthenticationError, MilestoneError, NotFoundError, PermissionDeniedError, ProtocolError
from milestone.httperrors import status_error, transport_error, url_label

CONTENT_TYPE = "text/xml; charset=utf-8"
TOKEN_SUB_ERRORS = {"1", "2"}  # 1: no token supplied, 2: token invalid (MILESTONE_PROTOCOL.md §4)


def fault_error(fault: ET.Element, what: str) -> MilestoneError:
    """Map a ``<Fault>`` element to a typed error (the fault text is the server's, never our request's)."""
    faultstring = xmlutil.find_text(fault, "faultstring") or xmlutil.find_text(fault, "Text") or "SOAP fault"
    sub_error = xmlutil.find_text(fault, "SubErrorNumber")
    error_number = xmlutil.find_text(fault, "ErrorNumber")
    lowered = faultstring.lower()
    message = f"{what} failed: {faultstring}"
    if sub_error:
        message += f" (SubErrorNumber {sub_error})"
    if sub_error in TOKEN_SUB_ERRORS or ("token" in lowered and ("invalid" in lowered or "supplied" in lowered)):
        return AuthenticationError(message)
    if "permission" in lowered or "access denied" in lowered or "not authorized" in lowered:
        return PermissionDeniedError(message)
    if "not found" in lowered or "unknown device" in lowered or error_number == "404":
        return NotFoundError(message)
    return MilestoneError(message)


async def soap_call(
    client: httpx.AsyncClient,
    url: str,
    action: str,
    envelope: bytes,
    *,
    headers: dict[str, str] | None = None,
) -> ET.Element:
    """POST ``envelope`` to ``url`` with ``SOAPAction: action``; return the first element inside ``Body``.

    Raises AuthenticationError (HTTP 401 or a token fault), PermissionDeniedError (403), NotFoundError (404),
    UnreachableError/TlsError (transport), ProtocolError (not SOAP), MilestoneError (other faults).
    """
    method = action.rsplit("/", 1)[-1]
    what = f"SOAP {method} at {url_label(url)}"
    all_headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": action}
    all_headers.update(headers or {})
    try:
        response = await client.post(url, content=envelope, headers=all_headers)
    except httpx.HTTPError as exc:
        raise transport_error(exc, what) from None
    body: ET.Element | None = None
    if response.content and response.content.lstrip()[:1] == b"<":
        root = xmlutil.parse(response.content, f"the answer to {what}")
        body = xmlutil.find(root, "Body")
        if body is not None:
            fault = xmlutil.child(body, "Fault")
            if fault is not None:
                raise fault_error(fault, what)
    if response.status_code != 200:
        raise status_error(response, what)
    if body is None:
        raise ProtocolError(f"the answer to {what} is not a SOAP envelope")
    for item in body:
        return item
    raise ProtocolError(f"the answer to {what} has an empty SOAP body")
