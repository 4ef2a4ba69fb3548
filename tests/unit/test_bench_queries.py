"""The benchmarks that send the shipped Cypher themselves pass every parameter it names.

No test runs the benchmarks, and twice a parameter added to a query broke one of them
(`matching_scale.py --store neo4j`) at its first Neo4j point. Where a benchmark names a query
(`catalog[Query.X]`) beside its parameters, as keywords of the same call or as a dict written
next to it, those parameters are checked against the file's `$names`. A query sent with a
parameter dict built elsewhere is not checked here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from mdm_hub.adapters.neo4j.catalog import Query
from tests.support.paths import REPO_ROOT, SHIPPED

BENCH = REPO_ROOT / "bench"
CYPHER = SHIPPED / "cypher"
COMMENT = re.compile(r"//[^\n]*")
PARAMETER = re.compile(r"\$(\w+)")


def _query_name(node: ast.expr) -> str | None:
    """NAME for an expression `<anything>[Query.NAME]`."""
    if isinstance(node, ast.Subscript):
        index = node.slice
        if (
            isinstance(index, ast.Attribute)
            and isinstance(index.value, ast.Name)
            and index.value.id == "Query"
        ):
            return index.attr
    return None


def _given(node: ast.Call | ast.Tuple, position: int) -> set[str] | None:
    """The parameter names written beside the query at `position`: a dict literal right after
    it, else the call's keywords; None when they are not written out."""
    items = node.args if isinstance(node, ast.Call) else node.elts
    following = items[position + 1] if position + 1 < len(items) else None
    if isinstance(following, ast.Dict):
        keys = [k.value for k in following.keys if isinstance(k, ast.Constant)]
        return {str(k) for k in keys} if len(keys) == len(following.keys) else None
    if isinstance(node, ast.Call) and node.keywords:
        names = [k.arg for k in node.keywords]
        return {n for n in names if n} if all(names) else None
    return None


def queries_in(tree: ast.AST) -> Iterator[tuple[int, str, set[str]]]:
    """(line, query name, parameters given) for each checkable query in a module."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call | ast.Tuple):
            continue
        items = node.args if isinstance(node, ast.Call) else node.elts
        for position, item in enumerate(items):
            name = _query_name(item)
            given = _given(node, position) if name else None
            if name and given is not None:
                yield node.lineno, name, given


def bench_queries() -> Iterator[tuple[str, str, set[str]]]:
    """(where, query name, parameters given) for each checkable query in bench/."""
    for path in sorted(BENCH.glob("*.py")):
        for line, name, given in queries_in(ast.parse(path.read_text(), str(path))):
            yield f"{path.name}:{line}", name, given


def parameters_of(name: str) -> set[str]:
    text = (CYPHER / f"{Query[name].value}.cypher").read_text()
    return set(PARAMETER.findall(COMMENT.sub("", text)))


def test_benchmarks_pass_every_parameter_of_the_queries_they_send() -> None:
    checked = list(bench_queries())
    # The benchmark that broke twice is among those checked, so this cannot pass vacuously.
    assert {name for _, name, _ in checked} >= {"GROUP_CANDIDATES", "CANDIDATES"}
    missing = {
        (where, name, tuple(sorted(parameters_of(name) - given)))
        for where, name, given in checked
        if parameters_of(name) - given
    }
    assert missing == set()


def test_a_missing_parameter_is_found() -> None:
    # The checker itself: a call that leaves out one of group_candidates.cypher's parameters.
    tree = ast.parse(
        "run(catalog[Query.GROUP_CANDIDATES], lockKeys=[], keys=[], limit=1, now=None)\n"
        "pairs = [(catalog[Query.RESOLVE_MANY], {'refs': []})]\n"
        "session.run(catalog[Query.RESOLVE_MANY], params)\n"
    )
    found = [(name, given) for _, name, given in queries_in(tree)]
    assert found == [
        ("GROUP_CANDIDATES", {"lockKeys", "keys", "limit", "now"}),
        ("RESOLVE_MANY", {"refs"}),
    ]
    assert parameters_of("GROUP_CANDIDATES") - found[0][1] == {"terms"}
    assert parameters_of("RESOLVE_MANY") == {"refs"}
