"""Standardisation at the door: raw values as source systems write them, read into the hub's
canonical forms (ISO country and currency codes, ISO dates, plain decimals, enum names).

One module per kind of value; each function takes a raw value and answers its canonical form,
None (absent), or `Unreadable` naming the accepted forms. `record.standardise_record` applies
them to a whole record with its system's locale and keeps what was sent. Pure: no I/O beyond
reading the shipped alias file once.
"""
