"""The HTTP and GraphQL surface. Only this package imports FastAPI and strawberry."""
