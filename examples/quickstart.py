"""The README's quick-start check: two systems' customers sharing a tax ID become one golden
record, and each system's ID resolves to it with both crosswalk entries.

    python examples/quickstart.py --api-key mdm_…                 # upsert, then resolve
    python examples/quickstart.py --api-key mdm_… --resolve-only  # after a restart: the same

The key (`make run` prints one; `mdm-hub keys create --role integration --name quickstart`
makes one) may also come from MDM_API_KEY. Uses only the standard library, so it runs against
any mdm-hub (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

UPSERT = """mutation($input: SourceRecordInput!) {
  upsertSourceRecord(input: $input) { goldenId outcome sourceVersion } }"""
RESOLVE = """query($system: String!, $sourceId: String!) {
  resolve(system: $system, entityType: CUSTOMER, sourceId: $sourceId) {
    goldenId crosswalk { system sourceId } } }"""

CRM = {
    "system": "CRM",
    "entityType": "CUSTOMER",
    "sourceId": "0011x00000ACME",
    "attributes": {"name": "Acme Corporation", "tax_id": "12-3456789", "country": "US"},
}
ERP = {
    "system": "ERP",
    "entityType": "CUSTOMER",
    "sourceId": "C-100234",
    "attributes": {"name": "ACME CORP", "tax_id": "123456789", "currency": "USD"},
}


def graphql(url: str, api_key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own hub
        url, data=body, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise
        raise SystemExit(f"refused (401): {exc.read().decode()}; pass --api-key") from None
    if answer.get("errors"):
        raise SystemExit(f"GraphQL errors: {answer['errors']}")
    data: dict[str, Any] = answer["data"]
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--resolve-only", action="store_true")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("MDM_API_KEY", ""),
        help="an integration or steward key (default: MDM_API_KEY)",
    )
    args = parser.parse_args()
    if not args.resolve_only:
        for record in (CRM, ERP):
            result = graphql(args.url, args.api_key, UPSERT, {"input": record})[
                "upsertSourceRecord"
            ]
            print(f"upsert {record['system']}/{record['sourceId']}: {result}")
    answers = [
        graphql(
            args.url, args.api_key, RESOLVE, {"system": r["system"], "sourceId": r["sourceId"]}
        )["resolve"]
        for r in (CRM, ERP)
    ]
    for record, answer in zip((CRM, ERP), answers, strict=True):
        print(f"resolve {record['system']}/{record['sourceId']}: {json.dumps(answer)}")
    expected = [{"system": "CRM", "sourceId": CRM["sourceId"]},
                {"system": "ERP", "sourceId": ERP["sourceId"]}]  # fmt: skip
    ok = (
        all(a is not None for a in answers)
        and answers[0]["goldenId"] == answers[1]["goldenId"]
        and all(a["crosswalk"] == expected for a in answers)
    )
    print("OK: both IDs resolve to one golden record" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
