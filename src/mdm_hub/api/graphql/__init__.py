"""The GraphQL schema integrations, stewards and auditors use."""
