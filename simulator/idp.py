"""Identity provider and discovery of the simulated management server (MILESTONE_PROTOCOL.md §1).

- ``POST /API/IDP/connect/token`` and ``POST /IDP/connect/token``: form-encoded password grant
  (``grant_type=password&username=U&password=P&client_id=GrantValidatorClient``) -> ``{"access_token",
  "expires_in", "token_type": "Bearer", "scope": "managementserver"}``. No refresh token: clients post the
  same request again before expiry. Bad credentials: 400 ``{"error": "invalid_grant", "error_description":
  "invalid_username_or_password"}``; other grants 400 ``unsupported_grant_type``; other clients 400
  ``invalid_client``.
- ``GET /api/.well-known/uris``: product version and service URIs, no authentication.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulator.context import SimulatorContext
from simulator.inventory import PRODUCT_VERSION

CLIENT_ID = "GrantValidatorClient"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(error: str, description: str | None = None) -> JSONResponse:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return JSONResponse(body, status_code=400, headers=NO_STORE)


def idp_routes(ctx: SimulatorContext) -> list[Route]:
    """Routes of the IDP token endpoint (both paths) and the well-known URIs."""

    async def token(request: Request) -> JSONResponse:
        form = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)

        def field(name: str) -> str:
            return (form.get(name) or [""])[0]

        if field("grant_type") != "password":
            return _oauth_error("unsupported_grant_type")
        if field("client_id") != CLIENT_ID:
            return _oauth_error("invalid_client")
        user = ctx.users.authenticate(field("username"), field("password"))
        if user is None:
            return _oauth_error("invalid_grant", "invalid_username_or_password")
        grant = ctx.tokens.issue_access(user)
        body = {
            "access_token": grant.token,
            "expires_in": max(1, int(ctx.tokens.access_ttl_s)),
            "token_type": "Bearer",
            "scope": "managementserver",
        }
        return JSONResponse(body, headers=NO_STORE)

    async def well_known(request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "ProductVersion": PRODUCT_VERSION,
                "UnsecureManagementServer": f"{base}/",
                "SecureManagementServer": f"{base}/",
                "IdentityProvider": f"{base}/IDP",
                "ApiGateways": [f"{base}/API/"],
            }
        )

    return [
        Route("/API/IDP/connect/token", token, methods=["POST"]),
        Route("/IDP/connect/token", token, methods=["POST"]),
        Route("/api/.well-known/uris", well_known, methods=["GET"]),
    ]
