"""What an operator sees of a running hub: Prometheus metrics, structured logs, tracing.

Hooked in at the API and store boundaries (api/, wiring); the domain core knows nothing of it.
"""
