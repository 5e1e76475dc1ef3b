"""The GraphQL layer: one module per domain, assembled in `resolvers.schema`."""
