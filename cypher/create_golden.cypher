CREATE (:Golden {
  id: $id, entityType: $entityType, attributes: '[]', version: 0,
  createdAt: $at, updatedAt: $at
})
