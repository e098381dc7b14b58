"""The query worker's result serialisers (kg.server.worker): read back by Oxigraph's own parsers."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.server.worker import Refused, answer, write_boolean, write_csv, write_json, write_tsv, write_xml

XSD = "http://www.w3.org/2001/XMLSchema#"
VARIABLES = ["iri", "text", "tagged", "number", "node"]
ROWS = [
    (
        ox.NamedNode("https://w3id.org/kg/id/entity/d4rl"),
        ox.Literal('D4RL, "the" benchmark\nsecond line\tand a tab <&>'),
        ox.Literal("Apprentissage", language="fr"),
        ox.Literal("0.85", datatype=ox.NamedNode(XSD + "double")),
        ox.BlankNode("b0"),
    ),
    (
        ox.NamedNode("https://w3id.org/kg/id/paper/x%20y"),
        None,
        None,
        ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
        None,
    ),
]

PARSED_FORMATS = {
    "json": (write_json, ox.QueryResultsFormat.JSON),
    "xml": (write_xml, ox.QueryResultsFormat.XML),
    "tsv": (write_tsv, ox.QueryResultsFormat.TSV),
}


def parse(body: bytes, fmt: ox.QueryResultsFormat) -> tuple[list[str], list[tuple]]:
    solutions = ox.parse_query_results(body, format=fmt)
    variables = [v.value for v in solutions.variables]
    return variables, [tuple(s[v] for v in variables) for s in solutions]


@pytest.mark.parametrize("name", sorted(PARSED_FORMATS))
def test_store_worker_results_read_back_term_for_term(name: str) -> None:
    writer, fmt = PARSED_FORMATS[name]
    assert parse(writer(VARIABLES, ROWS), fmt) == (VARIABLES, ROWS)


@pytest.mark.parametrize("name", sorted(PARSED_FORMATS))
def test_store_worker_empty_results(name: str) -> None:
    writer, fmt = PARSED_FORMATS[name]
    assert parse(writer(["a"], []), fmt) == (["a"], [])


def test_store_worker_json_shape() -> None:
    data = json.loads(write_json(VARIABLES, ROWS))
    first = data["results"]["bindings"][0]
    assert data["head"]["vars"] == VARIABLES
    assert first["text"] == {"type": "literal", "value": str(ROWS[0][1].value)}  # xsd:string implied
    assert first["tagged"]["xml:lang"] == "fr"
    assert first["number"]["datatype"] == XSD + "double"
    assert first["node"]["type"] == "bnode"
    assert "text" not in data["results"]["bindings"][1]  # unbound: left out


def test_store_worker_csv_is_lexical_rfc4180() -> None:
    body = write_csv(VARIABLES, ROWS).decode()
    assert body.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == VARIABLES
    assert rows[1] == [
        "https://w3id.org/kg/id/entity/d4rl",
        ROWS[0][1].value,
        "Apprentissage",
        "0.85",
        "_:b0",
    ]
    assert rows[2] == ["https://w3id.org/kg/id/paper/x%20y", "", "", "3", ""]


@pytest.mark.parametrize(
    ("fmt", "parsed"), [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)]
)
@pytest.mark.parametrize("value", [True, False])
def test_store_worker_boolean(fmt: str, parsed: ox.QueryResultsFormat, value: bool) -> None:
    assert bool(ox.parse_query_results(write_boolean(value, fmt), format=parsed)) is value


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r\"'<>&,")))
def test_store_worker_any_string_survives_json_and_tsv(text: str) -> None:
    rows = [(ox.Literal(text),)]
    for writer, fmt in (PARSED_FORMATS["json"], PARSED_FORMATS["tsv"]):
        assert parse(writer(["v"], rows), fmt) == (["v"], rows)


# -- answering a request --------------------------------------------------------------------------


G1 = "http://example.org/graph/1"


@pytest.fixture(scope="module")
def tiny() -> ox.Store:
    store = ox.Store()
    g = ox.NamedNode("http://example.org/graph/1")
    for i in range(5):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://example.org/s{i}"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal(str(i)),
                g,
            )
        )
    return store


def ask(store: ox.Store, query: str, **request):
    return answer(
        store, {"query": query, "select": "json", "graph": "turtle", **request}, {"ex": "http://example.org/"}
    )


def test_store_worker_union_default_graph(tiny: ox.Store) -> None:
    media_type, _, rows = ask(tiny, "SELECT ?s WHERE { ?s ex:p ?o }")
    assert media_type == "application/sparql-results+json" and rows == 5
    assert ask(tiny, "SELECT ?s WHERE { ?s ex:p ?o }", default_graph=["http://example.org/none"])[2] == 0


@pytest.mark.parametrize(
    ("query", "request_", "rows"),
    [
        ("SELECT ?s FROM <http://example.org/none> WHERE { ?s ?p ?o }", {}, 0),
        ("SELECT ?s FROM <http://example.org/graph/1> WHERE { ?s ?p ?o }", {}, 5),
        ("SELECT ?s FROM NAMED <http://example.org/graph/1> WHERE { ?s ?p ?o }", {}, 0),
        ("SELECT ?s FROM NAMED <http://example.org/graph/1> WHERE { GRAPH ?g { ?s ?p ?o } }", {}, 5),
        # The protocol's dataset replaces the query's.
        ("SELECT ?s FROM <http://example.org/none> WHERE { ?s ?p ?o }", {"default_graph": [G1]}, 5),
        ("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", {"default_graph": [G1]}, 0),
        ("SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", {"named_graphs": [G1]}, 5),
        ("SELECT ?s WHERE { ?s ?p ?o }", {"named_graphs": [G1]}, 0),
    ],
)
def test_store_worker_dataset_semantics(tiny: ox.Store, query: str, request_: dict, rows: int) -> None:
    assert ask(tiny, query, **request_)[2] == rows


@pytest.mark.parametrize(
    ("query", "request_", "status", "message"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", {"max_rows": 3}, 422, "more than 3 rows"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", {"max_rows": 4}, 422, "more than 4 triples"),
        ("SELECT ?s WHERE { ?s ?p }", {}, 400, "malformed SPARQL query: Expected"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {}, 403, "SERVICE"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", {}, 403, "read-only"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", {"graph": None}, 406, "CONSTRUCT or DESCRIBE"),
        ("ASK { ?s ?p ?o }", {"select": None}, 406, "ASK"),
        ("SELECT * { ?s ?p ?o }", {"named_graphs": ["not an iri"]}, 400, "bad graph IRI"),
    ],
)
def test_store_worker_refusals(tiny: ox.Store, query: str, request_: dict, status: int, message: str) -> None:
    with pytest.raises(Refused, match=message) as caught:
        ask(tiny, query, **request_)
    assert caught.value.status == status


def test_store_worker_construct_formats(tiny: ox.Store) -> None:
    for fmt, rdf_format in (
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        _, body, rows = ask(tiny, "CONSTRUCT WHERE { ?s ?p ?o }", graph=fmt)
        assert rows == 5 and len(list(ox.parse(body, format=rdf_format))) == 5


# -- no network ------------------------------------------------------------------------------------

_SERVICE_PROBE = """
import sys
import pyoxigraph as ox
from kg.server.worker import isolate_network
if sys.argv[2] == "isolated" and not isolate_network():
    sys.exit(3)
query = "SELECT * WHERE { SERVICE <http://127.0.0.1:%s/sparql> { ?s ?p ?o } }" % sys.argv[1]
try:
    print(len(list(ox.Store().query(query))))
except OSError as exc:
    print("failed:", exc)
"""


@pytest.mark.parametrize("mode", ["isolated", "control"])
def test_store_worker_network_namespace_stops_service_calls(mode: str) -> None:
    """Oxigraph itself, with no check in front: from a worker's namespace, SERVICE reaches nothing."""
    import socket
    import subprocess
    import sys
    import threading

    reached = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def accept() -> None:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener was shut down: nothing came
                return
            reached.set()
            connection.close()  # the control run does get here: the probe can fail

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        probe = subprocess.run(
            [sys.executable, "-c", _SERVICE_PROBE, str(port), mode],
            capture_output=True,
            text=True,
            timeout=120,
        )
        listener.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=10)
    if probe.returncode == 3:
        pytest.skip("no network namespace can be made here (not root, no user namespaces)")
    assert reached.is_set() == (mode == "control"), probe.stdout + probe.stderr
    if mode == "isolated":
        assert probe.stdout.startswith("failed:")
