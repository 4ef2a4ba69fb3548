CREATE (:ApiKey {
  prefix: $key.prefix, name: $key.name, role: $key.role, secretHash: $key.secretHash,
  createdAt: $key.createdAt, systems: $key.systems, expiresAt: $key.expiresAt,
  revokedAt: $key.revokedAt
})
