"""How both stores write domain values and read them back, one module per kind of value.

One naming style: `<value>_to_fields` / `<value>_from_fields` for a row or node map with the
stores' camelCase names, `<value>_to_json` / `<value>_from_json` for JSON text, and
`<values>_from_rows` for a list of rows read together.
"""
