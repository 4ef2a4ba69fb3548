// Take or renew the lease on a subscriber, unless another owner holds one that has not
// expired. The lock is taken (SET) before the lease is read, so two dispatchers cannot both win.
MATCH (w:Webhook {id: $id})
SET w.leaseLockedAt = $now
WITH w
WHERE w.leaseOwner IS NULL OR w.leaseOwner = $owner OR w.leaseUntil <= $now
SET w.leaseOwner = $owner, w.leaseUntil = $until
RETURN w.id AS id
