-- Embedded store schema. Idempotent: applied at every start.
-- A golden record's status: ACTIVE, or RETIRED once every member was retired.
CREATE TABLE IF NOT EXISTS golden (
  id          TEXT PRIMARY KEY,
  entityType  TEXT NOT NULL,
  attributes  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  createdAt   TEXT NOT NULL,
  updatedAt   TEXT NOT NULL,
  mergedInto  TEXT REFERENCES golden (id),
  ruleSetHash TEXT,
  status      TEXT NOT NULL DEFAULT 'ACTIVE'
);
CREATE INDEX IF NOT EXISTS golden_entity_type ON golden (entityType, createdAt);
-- Keyset paging of one entity type's goldens in ID order (mdm-hub recompute).
CREATE INDEX IF NOT EXISTS golden_entity_type_id ON golden (entityType, id);

-- A source record, its current version and its membership. retiredAt (with when its system
-- retired it and why) is set while its system has retired it: still a member, for lineage,
-- but not a live one, and its match_key_hash rows are removed so it is no candidate.
CREATE TABLE IF NOT EXISTS source_record (
  pk           INTEGER PRIMARY KEY,
  system       TEXT NOT NULL,
  entityType   TEXT NOT NULL,
  sourceId     TEXT NOT NULL,
  attributes   TEXT NOT NULL,
  contentHash  TEXT NOT NULL,
  version      INTEGER NOT NULL,
  observedAt   TEXT NOT NULL,
  recordedAt   TEXT NOT NULL,
  goldenId     TEXT REFERENCES golden (id),
  since        TEXT,
  decidedBy    TEXT,
  score        REAL,
  explanation  TEXT,
  matchKeys    TEXT NOT NULL DEFAULT '[]',
  retiredAt          TEXT,
  retiredObservedAt  TEXT,
  retiredReason      TEXT,
  -- What was sent for each value the hub converted (JSON object); null: all as sent.
  sent         TEXT,
  -- What matching made of the attributes (matching/stored_values.py); null: made again.
  matchValues  TEXT,
  UNIQUE (system, entityType, sourceId)
);
-- The members of a golden record are found by source_record_members (store.py makes it once
-- the columns files from before lack are added), which holds what resolving reads of each
-- member: its key and retirement, not its wide row.

-- The versions a source record has replaced (its current one is its source_record row; files
-- made before this layout hold every version here, the current one too).
CREATE TABLE IF NOT EXISTS source_version (
  sourcePk     INTEGER NOT NULL REFERENCES source_record (pk),
  version      INTEGER NOT NULL,
  attributes   TEXT NOT NULL,
  contentHash  TEXT NOT NULL,
  observedAt   TEXT NOT NULL,
  recordedAt   TEXT NOT NULL,
  sent         TEXT,
  PRIMARY KEY (sourcePk, version)
);

-- Every match key of every record, by its 64-bit hash (match_keys.py): the candidate index.
-- WITHOUT ROWID keeps it one B-tree, so an insert touches half the pages; a record's own keys
-- are listed on source_record.matchKeys, as packed hashes (older files: a JSON array of texts).
-- An index derived from source_record, written only with the pk of the record just written:
-- no foreign key, whose check cost 1.6% of a febrl3 ingest (files made before keep theirs).
CREATE TABLE IF NOT EXISTS match_key_hash (
  keyHash   INTEGER NOT NULL,
  sourcePk  INTEGER NOT NULL,
  PRIMARY KEY (keyHash, sourcePk)
) WITHOUT ROWID;

-- How many records hold each term (entity type, comparison, standardised value; and per
-- comparison, every value): the hub's own value counts for term-frequency adjustment.
CREATE TABLE IF NOT EXISTS term_count (
  term   TEXT PRIMARY KEY,
  count  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rejected_record (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  receivedAt     TEXT NOT NULL,
  payload        TEXT NOT NULL,
  problems       TEXT NOT NULL,
  correlationId  TEXT
);
-- The reject queue filtered by the system its payload names, newest first (seq: the rowid).
CREATE INDEX IF NOT EXISTS rejected_record_system
  ON rejected_record (json_extract(payload, '$.system'));

-- Steward not-a-match decisions between two source records (aPk < bPk).
CREATE TABLE IF NOT EXISTS not_a_match (
  aPk      INTEGER NOT NULL REFERENCES source_record (pk),
  bPk      INTEGER NOT NULL REFERENCES source_record (pk),
  decidedAt TEXT NOT NULL,
  PRIMARY KEY (aPk, bPk)
);
CREATE INDEX IF NOT EXISTS not_a_match_b ON not_a_match (bPk);

CREATE TABLE IF NOT EXISTS match_candidate (
  id          TEXT PRIMARY KEY,
  system      TEXT NOT NULL,
  entityType  TEXT NOT NULL,
  sourceId    TEXT NOT NULL,
  goldenId    TEXT NOT NULL,
  status      TEXT NOT NULL,
  createdAt   TEXT NOT NULL,
  candidates  TEXT NOT NULL,
  decidedBy       TEXT,
  decisionReason  TEXT,
  decidedAt       TEXT
);
CREATE INDEX IF NOT EXISTS match_candidate_order ON match_candidate (createdAt, id);
-- A steward's merge or unmerge closes the open candidates of the records it settles.
CREATE INDEX IF NOT EXISTS match_candidate_source
  ON match_candidate (system, entityType, sourceId);

-- Steward overrides: every pin and clear, never updated or deleted. The pins in force are
-- derived from it (per attribute, the latest event if it is a PIN).
CREATE TABLE IF NOT EXISTS steward_override (
  goldenId   TEXT NOT NULL REFERENCES golden (id),
  revision   INTEGER NOT NULL,
  attribute  TEXT NOT NULL,
  action     TEXT NOT NULL,
  value      TEXT,
  actor      TEXT NOT NULL,
  reason     TEXT NOT NULL,
  at         TEXT NOT NULL,
  PRIMARY KEY (goldenId, revision)
);

-- What each source record's reference attributes assert: the truth edges are derived from,
-- with provenance. targetPk is null while the target is unknown (a pending reference).
CREATE TABLE IF NOT EXISTS reference (
  key               TEXT PRIMARY KEY,
  sourcePk          INTEGER NOT NULL REFERENCES source_record (pk),
  attribute         TEXT NOT NULL,
  type              TEXT NOT NULL,
  targetSystem      TEXT NOT NULL,
  targetEntityType  TEXT NOT NULL,
  targetSourceId    TEXT NOT NULL,
  targetPk          INTEGER REFERENCES source_record (pk),
  sourceVersion     INTEGER NOT NULL,
  observedAt        TEXT NOT NULL,
  recordedAt        TEXT NOT NULL,
  UNIQUE (sourcePk, attribute)
);
CREATE INDEX IF NOT EXISTS reference_target ON reference (targetPk);
CREATE INDEX IF NOT EXISTS reference_awaited
  ON reference (targetSystem, targetEntityType, targetSourceId) WHERE targetPk IS NULL;
CREATE INDEX IF NOT EXISTS reference_pending ON reference (recordedAt, key) WHERE targetPk IS NULL;
-- Who refers to a record, linked or parked (matching's referrers evidence).
CREATE INDEX IF NOT EXISTS reference_target_key
  ON reference (targetSystem, targetEntityType, targetSourceId, attribute);

-- Edges between golden records, derived from resolved references: one per (from, type, to).
CREATE TABLE IF NOT EXISTS relationship (
  fromId  TEXT NOT NULL REFERENCES golden (id),
  type    TEXT NOT NULL,
  toId    TEXT NOT NULL REFERENCES golden (id),
  PRIMARY KEY (fromId, type, toId)
);
CREATE INDEX IF NOT EXISTS relationship_to ON relationship (toId, type);

-- API keys: the public prefix and a SHA-256 of the secret, never the secret itself.
CREATE TABLE IF NOT EXISTS api_key (
  prefix      TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  secretHash  TEXT NOT NULL,
  createdAt   TEXT NOT NULL,
  systems     TEXT,
  expiresAt   TEXT,
  revokedAt   TEXT
);

-- Codes no mapping turned into a canonical code, counted for the stewards until a mapping covers
-- them. `key` is the five identifying fields as one JSON text (adapters/codecs/unmapped_codes.py).
CREATE TABLE IF NOT EXISTS unmapped_code (
  key         TEXT PRIMARY KEY,
  system      TEXT NOT NULL,
  entityType  TEXT NOT NULL,
  attribute   TEXT NOT NULL,
  codeSet     TEXT NOT NULL,
  value       TEXT NOT NULL,
  count       INTEGER NOT NULL,
  firstSeen   TEXT NOT NULL,
  lastSeen    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unmapped_code_order ON unmapped_code (firstSeen, key);

-- The audit log: append-only, SHA-256 chained (domain/audit.py). The code never updates or
-- deletes a row; audit_head holds the last seq and hash, so events cut from the end show.
CREATE TABLE IF NOT EXISTS audit_event (
  seq            INTEGER PRIMARY KEY,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  role           TEXT NOT NULL,
  correlationId  TEXT,
  action         TEXT NOT NULL,
  subjectIds     TEXT NOT NULL,
  before         TEXT,
  after          TEXT,
  reason         TEXT,
  prevHash       TEXT NOT NULL,
  hash           TEXT NOT NULL
);
-- WITHOUT ROWID: one B-tree, not a table and its key index, for two rows an event (files made
-- before keep the rowid table, which reads the same).
CREATE TABLE IF NOT EXISTS audit_subject (
  subject  TEXT NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (subject, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  TEXT NOT NULL
);

-- Golden record search (searchGoldenRecords): every source record's entity type, and its ID
-- and identifying values (names, e-mail, tax ID, numbers, code) as one text, in a trigram
-- full-text index (fuzzy matching ranks by trigrams shared). Only those values: indexing every
-- attribute (addresses, dates) cost a febrl3 ingest a fifth more instructions for no search a
-- steward makes. A transaction that writes a record's attributes indexes it when it finishes,
-- all its records in one statement (EmbeddedTransaction.finish): FTS5 flushes what it holds
-- into a new segment at the end of every statement that writes to it, and through the insert
-- and update triggers it had before, that was one segment per record (a tenth of a febrl3
-- ingest's instructions). A deleted record leaves by trigger. A file made before it is indexed
-- once.
CREATE VIRTUAL TABLE IF NOT EXISTS source_search USING fts5 (
  entityType, body, tokenize = 'trigram'
);
-- What the index holds of a source record, written once for the triggers and the backfill.
CREATE VIEW IF NOT EXISTS source_search_row (pk, entityType, body) AS
SELECT pk, entityType,
    sourceId || ' ' ||
    coalesce(json_extract(attributes, '$.name'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.legal_name'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.given_name'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.middle_name'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.family_name'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.email'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.tax_id'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.employee_number'), '') || ' ' ||
    coalesce(json_extract(attributes, '$.code'), '')
FROM source_record;
DROP TRIGGER IF EXISTS source_search_insert;  -- files made before: see above
DROP TRIGGER IF EXISTS source_search_update;
CREATE TRIGGER IF NOT EXISTS source_search_delete AFTER DELETE ON source_record BEGIN
  DELETE FROM source_search WHERE rowid = OLD.pk;
END;
INSERT INTO source_search (rowid, entityType, body)
SELECT pk, entityType, body FROM source_search_row
WHERE NOT EXISTS (SELECT 1 FROM source_search);
-- FTS5 merges a level's segments once it holds `automerge` of them, after every 64 leaf
-- pages written, up to 64 pages per level in one go; a transaction of one record writes one
-- leaf. It counts segments, not their size, so a large segment is merged again with three
-- small ones each time its level fills: at the default of 4, 100k records' index merged into
-- two 8,000-page segments was being merged again within 1,100 one-record transactions, and
-- while such a merge lasted one transaction in 64 spent 10-40 ms merging (p99 of ingest
-- 13-23 ms at 100k). At 16 a level waits for 16 segments, each 16 times larger than the
-- level's below, so large segments are merged again far more rarely; searches read more
-- segments, which cost them little beside reading the lists of common trigrams
-- (bench/README.md). Kept in the file's config.
INSERT INTO source_search (source_search, rank)
SELECT 'automerge', 16
WHERE NOT EXISTS (SELECT 1 FROM source_search_config WHERE k = 'automerge' AND v = 16);
-- A level that reaches `crisismerge` segments is merged whole, at once, in the commit that
-- filled it. At its default, 16, that came before automerge's steps (every 64 leaves) on
-- the smallest level, which can hold a bulk load's large segments: one 100k probe merged
-- them for 1,065 ms. At 64 the steps merge it, a bounded slice at a time.
INSERT INTO source_search (source_search, rank)
SELECT 'crisismerge', 64
WHERE NOT EXISTS (SELECT 1 FROM source_search_config WHERE k = 'crisismerge' AND v = 64);

-- The same values of what stewards pinned (overrides in force), one row per golden record, so
-- a record is found by its pinned name too. Rewritten by a trigger when a pin is set or
-- cleared, in that transaction. Keyed by golden ID, not rowid: golden's rowid may change in
-- a VACUUM; finding a row by ID scans only the pinned records. A file made before it is
-- indexed once. Merged-away records keep their pins (an unmerge revives them): the search
-- leaves them out.
CREATE VIRTUAL TABLE IF NOT EXISTS pin_search USING fts5 (
  goldenId UNINDEXED, entityType, body, tokenize = 'trigram'
);
CREATE VIEW IF NOT EXISTS pin_search_row (goldenId, entityType, body) AS
SELECT o.goldenId, g.entityType, group_concat(json_extract(o.value, '$'), ' ')
FROM steward_override o JOIN golden g ON g.id = o.goldenId
WHERE o.action = 'PIN'
  AND o.attribute IN ('name', 'legal_name', 'given_name', 'middle_name', 'family_name',
                      'email', 'tax_id', 'employee_number', 'code')
  AND o.revision = (
    SELECT max(l.revision) FROM steward_override l
    WHERE l.goldenId = o.goldenId AND l.attribute = o.attribute
  )
GROUP BY o.goldenId;
CREATE TRIGGER IF NOT EXISTS pin_search_override AFTER INSERT ON steward_override BEGIN
  DELETE FROM pin_search WHERE goldenId = NEW.goldenId;
  INSERT INTO pin_search (goldenId, entityType, body)
  SELECT goldenId, entityType, body FROM pin_search_row WHERE goldenId = NEW.goldenId;
END;
INSERT INTO pin_search (goldenId, entityType, body)
SELECT goldenId, entityType, body FROM pin_search_row
WHERE NOT EXISTS (SELECT 1 FROM pin_search);

-- The outbox: change events for downstream systems (domain/changes.py), written with the
-- change they describe. AUTOINCREMENT: a position is never reused, even after pruning.
CREATE TABLE IF NOT EXISTS change_event (
  position          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind              TEXT NOT NULL,
  goldenId          TEXT NOT NULL,
  entityType        TEXT NOT NULL,
  goldenVersion     INTEGER NOT NULL,
  change            TEXT NOT NULL,
  system            TEXT,
  sourceEntityType  TEXT,
  sourceId          TEXT,
  actor             TEXT NOT NULL,
  correlationId     TEXT,
  at                TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS change_event_at ON change_event (at);

-- Webhook subscribers (domain/webhooks.py): what each selects (JSON lists, null: all), the
-- last position delivered, and the lease of the dispatcher serving it.
CREATE TABLE IF NOT EXISTS webhook (
  id            TEXT PRIMARY KEY,
  url           TEXT NOT NULL,
  secret        TEXT NOT NULL,
  createdAt     TEXT NOT NULL,
  events        TEXT,
  entityTypes   TEXT,
  systems       TEXT,
  cursor        INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  leaseOwner    TEXT,
  leaseUntil    TEXT
);
CREATE TABLE IF NOT EXISTS webhook_dead_letter (
  webhookId  TEXT NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  lastError  TEXT NOT NULL,
  at         TEXT NOT NULL,
  replay     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (webhookId, position)
);

-- One row `ping` (/readyz) rewrites: proof that the file still takes a write, not only a read.
CREATE TABLE IF NOT EXISTS store_heartbeat (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  at  TEXT NOT NULL
);
