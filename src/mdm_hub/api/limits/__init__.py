"""Limits at the API's edge: body size, JSON shape, query cost and time, records per request."""
