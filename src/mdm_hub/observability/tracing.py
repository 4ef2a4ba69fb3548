"""OpenTelemetry tracing of requests and store calls: off unless the standard OTEL_* settings
ask for it.

On when OTEL_TRACES_EXPORTER is `otlp` or `console`, or an OTLP endpoint is set
(OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; the exporter is then OTLP
over HTTP/protobuf). OTEL_SDK_DISABLED=true keeps it off. Everything else (service name,
resource attributes, sampler, endpoint, headers, timeouts) the OpenTelemetry SDK reads from
its own OTEL_* variables.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

from mdm_hub.errors import ConfigurationError

ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
EXPORTERS = ("otlp", "console", "none")


def tracer_provider_from_env(environ: Mapping[str, str]) -> TracerProvider | None:
    """A provider exporting spans as the OTEL_* settings in `environ` say; None: tracing off.
    Raises ConfigurationError for an exporter it does not know."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    exporter_name = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if not exporter_name:
        exporter_name = "otlp" if any(environ.get(name) for name in ENDPOINTS) else "none"
    if exporter_name not in EXPORTERS:
        raise ConfigurationError(
            f"OTEL_TRACES_EXPORTER: {exporter_name!r} is not one of {', '.join(EXPORTERS)}"
        )
    if exporter_name == "none":
        return None
    # Resource.create adds OTEL_RESOURCE_ATTRIBUTES (and OTEL_SERVICE_NAME) from the process.
    service = environ.get("OTEL_SERVICE_NAME") or "mdm-hub"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(BatchSpanProcessor(_exporter(exporter_name)))
    return provider


def _exporter(name: str) -> SpanExporter:
    if name == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
        OTLPSpanExporter,  # loaded only when spans are shipped
    )

    return OTLPSpanExporter()
