"""Pure domain model: entity types, source records, golden records. No I/O here."""
