"""A running hub over GraphQL: `upsertSourceRecords` and `retireSourceRecord`.

A batch that fails on the way (connection refused or reset, a timeout, HTTP 5xx, the hub's
store unavailable) is sent again after a pause, a few times, then the load stops with
LoadStopped and its checkpoint intact: the upsert is idempotent, so a batch sent twice
duplicates nothing. Credentials or permissions the hub refuses stop the load at once.
Rows the mapping refuses stay in the reject file: the hub's reject queue keeps only what the
hub itself refuses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

import httpx

from mdm_hub.domain.records import RejectedRecord, SourceKey, UpsertOutcome, UpsertResult
from mdm_hub.domain.retirement import RetireOutcome
from mdm_hub.errors import ConfigurationError, LoadStopped, Problem, RecordRejected
from mdm_hub.services.ingest import RawRecord

UPSERT = """
mutation Load($inputs: [SourceRecordInput!]!) {
  upsertSourceRecords(inputs: $inputs) { goldenId outcome sourceVersion score matchCandidateId }
}"""

RETIRE = """
mutation Retire($system: String!, $entityType: EntityType!, $sourceId: String!,
                $reason: String, $observedAt: DateTime) {
  retireSourceRecord(system: $system, entityType: $entityType, sourceId: $sourceId,
                     reason: $reason, observedAt: $observedAt) { outcome }
}"""

KNOWS = """
query Knows($refs: [SourceRefInput!]!) { resolveMany(refs: $refs) { goldenId } }"""

ATTEMPTS = 5  # the first and four more, after 1, 2, 4 and 8 seconds
FIRST_PAUSE_S = 1.0
TIMEOUT_S = 120.0  # a batch of 1,000 on a busy hub takes seconds, not minutes
TRANSIENT_CODES = frozenset({"STORE_UNAVAILABLE"})
REFUSED_CODES = frozenset({"BAD_USER_INPUT", "NOT_FOUND", "RELATIONSHIP_CYCLE"})
# The key, its role or the operation does not fit: sending again cannot help.
CONFIGURATION_CODES = frozenset({"FORBIDDEN", "UNAUTHENTICATED", "GRAPHQL_VALIDATION_FAILED"})
SERVER_ERROR = 500

Sleep = Callable[[float], Awaitable[None]]

# A hub from before retirement answers the mutation with a validation error.
CANNOT_RETIRE = "this hub cannot retire records (it has no retire operation)"


def graphql_url(url: str) -> str:
    """`http://host:port` or `.../graphql`: the GraphQL endpoint."""
    url = url.rstrip("/")
    return url if url.endswith("/graphql") else f"{url}/graphql"


def hub_client(api_key: str | None, correlation_id: str) -> httpx.AsyncClient:
    headers = {"X-Correlation-ID": correlation_id}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return httpx.AsyncClient(headers=headers, timeout=TIMEOUT_S)


class RemoteHub:
    """The hub whose GraphQL endpoint is `url`, reached with `client`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        url: str,
        sleep: Sleep = asyncio.sleep,
        attempts: int = ATTEMPTS,
    ) -> None:
        self._client = client
        self._url = graphql_url(url)
        self._sleep = sleep
        self._attempts = attempts

    async def upsert(self, records: Sequence[RawRecord]) -> list[UpsertResult | RecordRejected]:
        inputs = [_input(record) for record in records]
        body = await self.post(UPSERT, {"inputs": inputs}, "upsertSourceRecords", _about_a_record)
        items = (body.get("data") or {}).get("upsertSourceRecords")
        if not isinstance(items, list) or len(items) != len(records):
            raise LoadStopped(f"the hub answered upsertSourceRecords unexpectedly: {body}")
        errors = _errors_by_index(body)
        return [
            _result(item) if item is not None else _refused(records[i], errors.get(i))
            for i, item in enumerate(items)
        ]

    async def retire(
        self, key: SourceKey, reason: str, observed_at: datetime | None
    ) -> RetireOutcome | RecordRejected:
        return await retire_remote(self, key, reason, observed_at)

    async def knows(self, key: SourceKey) -> bool:
        ref = {"system": key.system, "entityType": key.entity_type.value, "sourceId": key.source_id}
        body = await self.post(KNOWS, {"refs": [ref]}, "resolveMany", lambda _: False)
        found = (body.get("data") or {}).get("resolveMany") or [None]
        return found[0] is not None

    async def keep_refusals(self, rejects: Sequence[RejectedRecord]) -> None:
        """Nothing: the hub's reject queue has no mutation to add to (see the module)."""

    async def post(
        self,
        query: str,
        variables: dict[str, Any],
        field: str,
        per_record: Callable[[dict[str, Any]], bool],
    ) -> dict[str, Any]:
        """The response body, after retrying what may pass. Errors `per_record` accepts are
        the hub refusing one record; any other stops the load."""
        pause = FIRST_PAUSE_S
        for attempt in range(1, self._attempts + 1):
            try:
                response = await self._client.post(
                    self._url, json={"query": query, "variables": variables}
                )
                why = _transient(response, field)
                if why is None:
                    return _body(response, field, per_record)
            except httpx.TransportError as exc:
                why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if attempt == self._attempts:
                raise LoadStopped(
                    f"the hub at {self._url} did not take the batch after "
                    f"{attempt} attempts (last: {why})"
                )
            await self._sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")  # pragma: no cover


async def retire_remote(
    hub: RemoteHub, key: SourceKey, reason: str, observed_at: datetime | None
) -> RetireOutcome | RecordRejected:
    """`retireSourceRecord`; a record the hub refuses to retire is returned as refused."""
    variables = {
        "system": key.system,
        "entityType": key.entity_type.value,
        "sourceId": key.source_id,
        "reason": reason,
        "observedAt": observed_at.isoformat() if observed_at else None,
    }
    body = await hub.post(RETIRE, variables, "retireSourceRecord", _about_the_retirement)
    errors = body.get("errors") or []
    if not errors:
        outcome = str(((body.get("data") or {}).get("retireSourceRecord") or {}).get("outcome"))
        return (
            RetireOutcome(outcome)
            if outcome in RetireOutcome.__members__
            else RetireOutcome.RETIRED
        )
    if _code(errors[0]) == "GRAPHQL_VALIDATION_FAILED":
        return RecordRejected(key.label(), [Problem("", CANNOT_RETIRE)])
    return RecordRejected(key.label(), _problems(errors[0]))


def _about_a_record(error: dict[str, Any]) -> bool:
    """An upsertSourceRecords error at one record's index."""
    path = error.get("path") or []
    return len(path) == 2 and isinstance(path[1], int)


def _about_the_retirement(error: dict[str, Any]) -> bool:
    """The record is refused (unknown, bad input), or the hub has no retireSourceRecord."""
    if _code(error) == "GRAPHQL_VALIDATION_FAILED":
        return "retireSourceRecord" in str(error.get("message"))
    return _code(error) in REFUSED_CODES


def _input(record: RawRecord) -> dict[str, Any]:
    payload = record.as_payload()
    if payload["observedAt"] is None:
        del payload["observedAt"]
    return payload


def _transient(response: httpx.Response, field: str) -> str | None:
    """Why sending again may pass (a 5xx, the hub's store unavailable), else None."""
    if response.status_code >= SERVER_ERROR:
        return f"HTTP {response.status_code}"
    if response.status_code != httpx.codes.OK:
        return None
    for error in _json(response, field).get("errors") or []:
        if _code(error) in TRANSIENT_CODES and len(error.get("path") or []) <= 1:
            return f"{_code(error)}: {error.get('message')}"
    return None


def _body(
    response: httpx.Response, field: str, per_record: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """A body whose errors (if any) are about single records; anything else stops the load."""
    if response.status_code == httpx.codes.UNAUTHORIZED:
        raise ConfigurationError(f"the hub refused the credentials (HTTP 401): {_text(response)}")
    if response.status_code != httpx.codes.OK:
        raise LoadStopped(f"the hub answered HTTP {response.status_code}: {_text(response)}")
    body = _json(response, field)
    for error in body.get("errors") or []:
        if per_record(error):
            continue
        message = f"{field}: {_code(error)}: {error.get('message')}"
        if _code(error) in CONFIGURATION_CODES:
            raise ConfigurationError(f"the hub refused {message}")
        raise LoadStopped(f"the hub refused the batch: {message}")
    return body


def _json(response: httpx.Response, field: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise LoadStopped(f"{field}: the hub's answer is not JSON: {_text(response)}") from None
    if not isinstance(body, dict):
        raise LoadStopped(f"{field}: unexpected answer from the hub: {_text(response)}")
    return body


def _errors_by_index(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        error["path"][1]: error
        for error in body.get("errors") or []
        if len(error.get("path") or []) == 2 and isinstance(error["path"][1], int)
    }


def _result(item: dict[str, Any]) -> UpsertResult:
    return UpsertResult(
        item["goldenId"],
        UpsertOutcome(item["outcome"]),
        item["sourceVersion"],
        item.get("score"),
        item.get("matchCandidateId"),
    )


def _refused(record: RawRecord, error: dict[str, Any] | None) -> RecordRejected:
    label = f"record {record.system}/{record.entity_type}/{record.source_id}"
    if error is None:
        return RecordRejected(label, [Problem("", "refused by the hub (no reason given)")])
    return RecordRejected(label, _problems(error))


def _problems(error: dict[str, Any]) -> list[Problem]:
    problems = (error.get("extensions") or {}).get("problems") or []
    found = [Problem(str(p.get("field", "")), str(p.get("reason", ""))) for p in problems]
    return found or [Problem("", str(error.get("message", "refused")))]


def _code(error: dict[str, Any]) -> str:
    return str((error.get("extensions") or {}).get("code", ""))


def _text(response: httpx.Response) -> str:
    return response.text[:500]
