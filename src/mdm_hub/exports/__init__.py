"""Exports for BI: golden records (one table per entity type, one column per attribute), the
crosswalk, relationships and open match candidates, as Parquet, CSV or JSON Lines."""
