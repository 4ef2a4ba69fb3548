"""OpenTelemetry tracing: off unless OTEL_* settings ask; when on, a request's span holds a
span for each store round trip it made."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError
from mdm_hub.observability.tracing import tracer_provider_from_env
from mdm_hub.ports import Store
from tests.support.graphql_client import RESOLVE


async def test_a_request_and_its_store_calls_are_one_trace(store: Store) -> None:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    app = create_app(Settings(auth="off"), store=store, tracer_provider=provider)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        variables = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": "c1"}
        response = await http.post("/graphql", json={"query": RESOLVE, "variables": variables})
        assert response.status_code == 200
        assert (await http.get("/healthz")).status_code == 200  # probes are not traced
    spans = exported.get_finished_spans()
    [server] = [s for s in spans if s.parent is None]
    assert server.name == "POST /graphql"
    [store_call] = [s for s in spans if s.name == "store resolve_many"]
    assert store_call.context.trace_id == server.context.trace_id
    assert store_call.attributes is not None
    assert store_call.attributes["mdm.store.method"] == "resolve_many"
    provider.shutdown()


def test_the_service_is_named_mdm_hub_unless_otel_says_otherwise() -> None:
    provider = tracer_provider_from_env({"OTEL_TRACES_EXPORTER": "console"})
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "mdm-hub"
    provider.shutdown()


def test_tracing_is_off_unless_the_otel_settings_ask() -> None:
    assert tracer_provider_from_env({}) is None
    assert tracer_provider_from_env({"OTEL_TRACES_EXPORTER": "none"}) is None
    asked = {"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}
    assert tracer_provider_from_env(asked) is None


@pytest.mark.parametrize(
    "environ",
    [
        {"OTEL_TRACES_EXPORTER": "console"},
        {"OTEL_TRACES_EXPORTER": "otlp"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"},
    ],
)
def test_the_standard_settings_turn_it_on(environ: dict[str, str]) -> None:
    provider = tracer_provider_from_env({**environ, "OTEL_SERVICE_NAME": "hub-eu"})
    assert provider is not None
    assert provider.resource.attributes["service.name"] == "hub-eu"
    provider.shutdown()


def test_an_unknown_exporter_is_refused_by_name() -> None:
    with pytest.raises(ConfigurationError, match="OTEL_TRACES_EXPORTER"):
        tracer_provider_from_env({"OTEL_TRACES_EXPORTER": "jaeger"})
