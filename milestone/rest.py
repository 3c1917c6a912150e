"""REST Config API client (``{base}/api/rest/v1``): Bearer auth, one retry on 401, wrappers, paging.

Source: MILESTONE_PROTOCOL.md §2 ([OA]). A collection is ``{"array":[…]}``, one item ``{"data":{…}}``.
Paging is ``page=<n>&size=<n>`` with no total count: page until a short page. Page numbers start at 0
(GUESS). Tolerances: a server may cap the page size below what was asked, so "short" means shorter than an
earlier page of the same walk (a short first page is confirmed by one more request); an empty page or a page
that adds no new ids also ends the walk, so a server counting from 1 or ignoring paging cannot make the client
loop or duplicate items.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from milestone.errors import AuthenticationError, ProtocolError
from milestone.httperrors import json_body, status_error, transport_error, url_label

log = logging.getLogger(__name__)

API_PATH = "/api/rest/v1"
DEFAULT_PAGE_SIZE = 100
MAX_PAGES = 10_000  # a hard stop against a server that never returns a short page

Json = dict[str, Any]


class RestClient:
    """GET helpers for the Config API.

    ``access_token`` returns the current access token; ``renew_access_token`` is awaited after a 401 and
    returns a fresh token, after which the request is retried once (MILESTONE_PROTOCOL.md §1, DESIGN.md §4).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        access_token: Callable[[], str],
        renew_access_token: Callable[[str], Awaitable[str]],
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self._client = client
        self._api = base_url.rstrip("/") + API_PATH
        self._token = access_token
        self._renew = renew_access_token
        self.page_size = max(1, int(page_size))

    async def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET ``{api}/{path}`` and return the decoded JSON.

        Raises AuthenticationError (401 twice), PermissionDeniedError (403), NotFoundError (404),
        UnreachableError/TlsError, ProtocolError (not JSON), MilestoneError (other statuses).
        """
        url = f"{self._api}/{path.lstrip('/')}"
        what = f"GET {url_label(url)}"
        token = self._token()
        response = await self._get(url, params, token, what)
        if response.status_code == 401:
            log.info("%s answered 401; renewing the access token and retrying once", what)
            try:
                token = await self._renew(token)
            except AuthenticationError:
                raise status_error(response, what) from None
            response = await self._get(url, params, token, what)
        if response.status_code != 200:
            raise status_error(response, what)
        return json_body(response, what)

    async def _get(self, url: str, params: dict[str, str] | None, token: str, what: str) -> httpx.Response:
        try:
            return await self._client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            raise transport_error(exc, what) from None

    async def get_item(self, path: str, params: dict[str, str] | None = None) -> Json:
        """GET one item and unwrap ``{"data":{…}}``. Raises ProtocolError for another shape."""
        payload = await self.get_json(path, params)
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise ProtocolError(f"GET {path}: expected {{'data': {{…}}}}")
        return data

    async def get_array(self, path: str, params: dict[str, str] | None = None) -> list[Json]:
        """GET a collection and unwrap ``{"array":[…]}`` (non-object items are dropped)."""
        payload = await self.get_json(path, params)
        items = payload.get("array") if isinstance(payload, dict) else None
        if not isinstance(items, list):
            raise ProtocolError(f"GET {path}: expected {{'array': […]}}")
        return [item for item in items if isinstance(item, dict)]

    async def get_all(self, path: str, params: dict[str, str] | None = None) -> list[Json]:
        """GET every page of a collection (``page``/``size``) until a short page; items de-duplicated by id.

        A page counts as short when it is empty, adds no new item, or is shorter than an earlier page (the
        server's effective page size, which may be below ``page_size``).
        """
        out: list[Json] = []
        seen: set[str] = set()
        longest = 0
        for page in range(MAX_PAGES):
            query = dict(params or {})
            query.update(page=str(page), size=str(self.page_size))
            items = await self.get_array(path, query)
            fresh = 0
            for item in items:
                key = str(item.get("id", "")).lower()
                if key and key in seen:
                    continue
                if key:
                    seen.add(key)
                out.append(item)
                fresh += 1
            if not items or fresh == 0 or len(items) < longest:
                return out
            # A page as long as the longest so far (even if shorter than asked: a server cap) may have a sequel.
            longest = max(longest, len(items))
            await asyncio.sleep(0)
        log.warning("GET %s: stopped paging after %d pages", path, MAX_PAGES)
        return out
