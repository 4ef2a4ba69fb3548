"""The steward's workbench: server-rendered pages at /ui over the hub's own GraphQL schema.

Every page runs GraphQL operations (operations/*.graphql) through the same schema, with the
signed-in principal, so the API's access rules hold by construction; htmx (vendored, like
GraphiQL's assets) only makes some of them update in place.
"""
