"""The SSRF guard, the signature scheme and the retry schedule of webhooks."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import time
from typing import Any

import pytest

from mdm_hub.config import Settings
from mdm_hub.domain.webhooks import delivery_id, signature
from mdm_hub.errors import InvalidInput
from mdm_hub.services.webhooks.addresses import check_url
from mdm_hub.services.webhooks.dispatcher import DeliveryPolicy
from tests.support.paths import REPO_ROOT

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", flags=re.DOTALL)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:8080/hook", "loopback, private or reserved"),
        ("http://10.1.2.3/hook", "loopback, private or reserved"),
        ("http://192.168.0.10/hook", "loopback, private or reserved"),
        ("http://169.254.169.254/latest/meta-data", "loopback, private or reserved"),
        ("http://[::1]/hook", "loopback, private or reserved"),
        ("http://localhost/hook", "loopback, private or reserved"),
        ("ftp://93.184.216.34/hook", "not an http(s) URL"),
        ("https://user:pw@93.184.216.34/hook", "credentials in the URL"),
        ("hook", "not an http(s) URL"),
    ],
)
async def test_private_and_odd_urls_are_refused_naming_the_field(url: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await check_url(url, allow_private=False)
    [problem] = refused.value.problems
    assert problem.field == "url"
    assert why in problem.reason


async def test_public_addresses_pass_and_private_ones_when_allowed() -> None:
    await check_url("https://93.184.216.34/hook", allow_private=False)
    await check_url("http://127.0.0.1:8080/hook", allow_private=True)


def test_the_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    body = b'{"deliveryId":"wh_1-7"}'
    expected = hmac.new(b"whsec_k", b"1767258000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_k", "1767258000", body) == f"v1={expected}"
    assert signature("whsec_other", "1767258000", body) != f"v1={expected}"
    assert delivery_id("wh_1", 7) == "wh_1-7"


def test_retries_back_off_exponentially_with_jitter_up_to_a_cap() -> None:
    policy = DeliveryPolicy(base_delay_seconds=1.0, max_delay_seconds=60.0)
    for failures, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (7, 60.0), (20, 60.0)):
        delays = {policy.backoff(failures) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(delays) > 1  # jittered


def test_by_default_an_event_is_retried_for_over_a_day_before_its_dead_letter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A subscriber down for hours loses nothing: with the shipped settings, the retries of
    one event, every jitter at its lowest, wait more than 24 hours in all, none over the cap."""
    defaults = {name: info.default for name, info in Settings.model_fields.items()}
    policy = DeliveryPolicy(
        max_attempts=defaults["webhook_max_attempts"],
        base_delay_seconds=defaults["webhook_base_delay_seconds"],
        max_delay_seconds=defaults["webhook_max_delay_seconds"],
    )
    monkeypatch.setattr(random, "uniform", lambda low, high: low)
    waits = [policy.backoff(failures) for failures in range(1, policy.max_attempts)]
    assert sum(waits) > 24 * 3600
    assert max(waits) <= defaults["webhook_max_delay_seconds"]
    assert policy.shortest_retry_span() == pytest.approx(sum(waits))  # what the log says


def test_the_docs_verification_code_accepts_a_real_signature_and_refuses_a_forged_one() -> None:
    docs = (REPO_ROOT / "docs" / "change-events.md").read_text(encoding="utf-8")
    [code] = [block for block in PYTHON_BLOCK.findall(docs) if "def verified" in block]
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    verified = namespace["verified"]
    body = b'{"deliveryId":"wh_1-7"}'
    timestamp = str(int(time.time()))
    headers = {
        "X-MDM-Timestamp": timestamp,
        "X-MDM-Signature": signature("whsec_k", timestamp, body),
    }
    assert verified("whsec_k", headers, body)
    assert not verified("whsec_k", headers, body + b" ")
    assert not verified("whsec_other", headers, body)
    old = str(int(time.time()) - 3600)
    stale = {"X-MDM-Timestamp": old, "X-MDM-Signature": signature("whsec_k", old, body)}
    assert not verified("whsec_k", stale, body)
