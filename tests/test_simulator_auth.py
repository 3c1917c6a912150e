"""Simulator IDP and SOAP Login over real sockets (MILESTONE_PROTOCOL.md §1)."""

from __future__ import annotations

import time

import httpx

from simulator.probe import access_token, login_fields, soap_login


def test_vendor_rest_sample_flow(simulator):
    """What milestonesys' RestfulCommunicationPython does: raw form body to /IDP/connect/token, then
    GET /api/rest/v1/cameras with the Bearer token and an empty body."""
    base = simulator.management_url
    payload = f"grant_type=password&username=admin&password={simulator.password}&client_id=GrantValidatorClient"
    with httpx.Client() as session:
        r = session.post(
            f"{base}/IDP/connect/token", content=payload, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert r.status_code == 200
        token_response = r.json()
        assert token_response["token_type"] == "Bearer"
        assert token_response["expires_in"] == 3600
        assert token_response["scope"] == "managementserver"
        assert token_response["access_token"].count(".") == 2  # looks like a JWT
        r = session.request(
            "GET",
            f"{base}/api/rest/v1/cameras",
            headers={"Authorization": "Bearer " + token_response["access_token"]},
            content="",
        )
        assert r.status_code == 200
        cameras = r.json()["array"]
        assert len(cameras) == 8 and all("id" in c and "relations" in c for c in cameras)


def test_gateway_path_and_bad_credentials(simulator):
    base = simulator.management_url
    good = {
        "grant_type": "password",
        "username": "operator",
        "password": simulator.password,
        "client_id": "GrantValidatorClient",
    }
    assert httpx.post(f"{base}/API/IDP/connect/token", data=good).status_code == 200
    bad = httpx.post(f"{base}/API/IDP/connect/token", data={**good, "password": "wrong"})
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid_grant", "error_description": "invalid_username_or_password"}
    assert httpx.post(f"{base}/API/IDP/connect/token", data={**good, "username": "nobody"}).status_code == 400
    unsupported = httpx.post(f"{base}/API/IDP/connect/token", data={**good, "grant_type": "client_credentials"})
    assert unsupported.status_code == 400 and unsupported.json()["error"] == "unsupported_grant_type"


def test_well_known_uris(simulator):
    r = httpx.get(f"{simulator.management_url}/api/.well-known/uris")
    assert r.status_code == 200
    body = r.json()
    assert body["IdentityProvider"].endswith("/IDP")
    assert body["ApiGateways"] == [simulator.management_url + "/API/"]
    assert body["ProductVersion"]


def test_soap_login_ttl_in_microseconds_and_renewal(simulator):
    base = simulator.management_url
    bearer = access_token(base, simulator.password)
    first = soap_login(base, bearer, instance_id="11111111-2222-3333-4444-555555555555")
    assert first.status_code == 200
    assert "TimeToLiveLimited" in first.text and "<RegistrationTime>" in first.text
    token, ttl_us = login_fields(first)
    assert ttl_us == 14_400 * 1_000_000
    assert token.startswith("TOKEN#") and token.endswith("//ServerConnector#")
    renewed = soap_login(base, bearer, instance_id="11111111-2222-3333-4444-555555555555", current=token)
    new_token, new_ttl = login_fields(renewed)
    assert new_token != token and new_ttl == ttl_us


def test_soap_login_refuses_missing_and_bad_bearer(simulator):
    base = simulator.management_url
    r = soap_login(base, "not-a-token")
    assert r.status_code == 401 and "Fault" in r.text and "invalid" in r.text
    r = httpx.post(f"{base}/ManagementServer/ServerCommandServiceOAuth.svc", content=b"<x/>")
    assert r.status_code == 401


def test_expired_tokens_are_refused(make_simulator):
    sim = make_simulator(cameras=2, token_ttl=1.5, vms_token_ttl=2.0)
    base = sim.management_url
    r = httpx.post(
        f"{base}/API/IDP/connect/token",
        data={
            "grant_type": "password",
            "username": "admin",
            "password": sim.password,
            "client_id": "GrantValidatorClient",
        },
    )
    assert r.json()["expires_in"] == 1
    bearer = r.json()["access_token"]
    assert httpx.get(f"{base}/api/rest/v1/cameras", headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
    token, ttl_us = login_fields(soap_login(base, bearer))
    assert ttl_us == 2_000_000
    time.sleep(1.7)
    r = httpx.get(f"{base}/api/rest/v1/cameras", headers={"Authorization": f"Bearer {bearer}"})
    assert r.status_code == 401
    assert r.json() == {
        "error": {"httpCode": 401, "details": [{"errorText": "Token validation failed: the token is expired."}]}
    }
    r = soap_login(base, bearer, current=token)
    assert r.status_code == 401 and "expired" in r.text
    # A fresh access token renews the vms_token; the old vms_token is still inside its own lifetime.
    fresh = access_token(base, sim.password)
    renewed, _ = login_fields(soap_login(base, fresh, current=token))
    assert renewed != token
