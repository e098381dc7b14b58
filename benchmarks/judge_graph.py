"""Judge a built graph's entities and role edges by hand, blind, as a researcher would.

Run by hand, in three steps::

    .venv/bin/python benchmarks/judge_graph.py sheet OUT --dir /tmp/judging      # items to judge
    # a judge who has never seen kg's output rules reads /tmp/judging/PROTOCOL.md and writes
    # /tmp/judging/answers.jsonl (one {"id", "verdict"} per item) and duplicates.json
    .venv/bin/python benchmarks/judge_graph.py score --dir /tmp/judging           # the tables

The sheet holds the 100 entities with the most papers, 100 random entities and 100 random role
edges (``proposes``, ``uses``, ``evaluatedOn``, ``addresses``), each with its type and up to three
evidence sentences, shuffled together so that the judge cannot tell a top entity from a random
one; and the labels of the 500 entities with the most papers, for the duplicates check. The
judge sees nothing else: not the rules, not the code, not earlier verdicts.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from kg.api import KnowledgeGraph

ENTITY_VERDICTS = ("right", "generic", "wrong type", "junk", "should be merged")
EDGE_VERDICTS = ("right", "wrong relation", "junk entity")
ROLES = ("proposes", "uses", "evaluatedOn", "addresses")
#: What each role means to the judge.
ROLE_GLOSS = {
    "proposes": "the paper proposes (introduces) this",
    "uses": "the paper uses this method/tool/resource in its own work",
    "evaluatedOn": "the paper evaluates its work on this dataset/benchmark",
    "addresses": "this is the task/problem the paper addresses",
}

PROTOCOL = """# Judging a knowledge graph of research papers

You judge items drawn from a knowledge graph built automatically from paper abstracts. Judge each
item on its own, from what you know as a researcher and from the evidence sentences given with it.
Write one JSON object per line to `answers.jsonl`: `{{"id": "<item id>", "verdict": "<verdict>"}}`,
optionally with `"note"`.

## Entities (`"kind": "entity"`)
An entity is a node of the graph: a label, its type (Method, Dataset, Task, Metric or Concept),
other names it goes by, and the number of papers that mention it. Verdicts:

- `right`: it names something specific that a researcher would want as a node, and the type fits.
  Named methods, models, datasets, benchmarks, metrics and tasks are specific ("BERT", "ImageNet",
  "object detection", "BLEU"); so are fields of moderate breadth ("computer vision", "federated
  learning", "self-supervised learning"), named techniques ("dropout", "SLAM") and specific technical
  concepts ("Wasserstein distance", "POMDP").
- `generic`: too broad or too vague to be useful as a node: "neural networks", "deep learning",
  "machine learning", "optimization", "features", "images", "real-world datasets", "our approach".
- `wrong type`: specific, but the type is wrong (a benchmark typed Method, a field typed Method, a
  sensor or a modality typed Method, a formalism such as MDP typed Method). Types: Method = a
  method, model, algorithm or technique; Dataset = a dataset, benchmark or environment; Task = a
  task, problem or field; Metric = a measure of quality; Concept = any other technical notion.
- `junk`: not a name at all: a number, a unit, a fragment, a formula ("5-10", "20Hz", "F(2,58)=7.9").
- `should be merged`: specific and rightly typed, but the same thing as another entity you saw
  under another name; say which in `"note"`.

## Edges (`"kind": "edge"`)
An edge says that a paper (title given) stands in a role to an entity: {roles}. Verdicts:

- `right`: the role holds, judging from the sentences and the title.
- `wrong relation`: the entity is fine but the role does not hold (the paper does not use it, it is
  the paper's own method marked "uses", a background mention marked "uses", a tool marked as the task).
- `junk entity`: the entity is generic, junk or of the wrong type (then the edge is wrong whatever
  the role).

## Duplicates
`top500.txt` lists the labels (with types) of the 500 entities mentioned by the most papers. Write
to `duplicates.json` a list of groups, each a list of labels from that file that name the same
thing and should be one entity (case or version variants, a name and its acronym, "X" and "X
benchmark"): `[["DeepMind Control Suite", "DMControl"], ...]`. A qualified name is not a
duplicate of its base: "offline RL" and "RL" are different things.
"""


def _rows(graph: KnowledgeGraph, query: str) -> list[dict]:
    frame = graph.sparql(query)
    return [{k: (None if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _entity_evidence(graph: KnowledgeGraph, iri: str, n: int = 3) -> list[str]:
    rows = _rows(
        graph,
        f"""SELECT ?sentence (MAX(?c) AS ?confidence) WHERE {{
              ?s rdf:object <{iri}> ; kg:evidence ?sentence ; kg:confidence ?c .
              FILTER EXISTS {{ ?s a kg:Assertion }}
            }} GROUP BY ?sentence ORDER BY DESC(?confidence) ?sentence LIMIT {n}""",
    )
    return [str(r["sentence"]) for r in rows]


def _edge_evidence(graph: KnowledgeGraph, paper: str, role: str, entity: str, n: int = 3) -> list[str]:
    rows = _rows(
        graph,
        f"""SELECT DISTINCT ?sentence WHERE {{
              ?s rdf:subject <{paper}> ; rdf:predicate kg:{role} ; rdf:object <{entity}> ;
                 kg:evidence ?sentence .
            }} ORDER BY ?sentence LIMIT {n}""",
    )
    return [str(r["sentence"]) for r in rows]


def make_sheet(out: Path, folder: Path, seed: int) -> None:
    """Write the items, the protocol and the top-500 list for a judge."""
    graph = KnowledgeGraph.load(out)
    entities = graph.entities().sort_values(["papers", "label"], ascending=[False, True])
    entities = entities.reset_index(drop=True)
    rng = random.Random(seed)
    top = entities.head(100)
    rest = entities.iloc[100:]
    sample = rest.sample(n=min(100, len(rest)), random_state=seed)
    edges = _rows(
        graph,
        """SELECT DISTINCT ?paper ?title ?role ?entity WHERE {
             VALUES (?role ?property) {
               ("proposes" kg:proposes) ("uses" kg:uses) ("evaluatedOn" kg:evaluatedOn)
               ("addresses" kg:addresses)
             }
             ?paper ?property ?entity ; dcterms:title ?title .
           } ORDER BY ?paper ?role ?entity""",
    )
    picked = rng.sample(edges, min(100, len(edges)))
    items, key = [], []
    for group, frame in (("top", top), ("random", sample)):
        for row in frame.itertuples():
            items.append(
                {
                    "kind": "entity",
                    "label": row.label,
                    "type": row.type,
                    "other names": [
                        a for a in (row.aliases if isinstance(row.aliases, str) else "").split(" | ") if a
                    ][:5],
                    "papers": int(row.papers),
                    "evidence": _entity_evidence(graph, row.iri),
                }
            )
            key.append({"group": group, "iri": row.iri})
    labels = {row.iri: (row.label, row.type) for row in entities.itertuples()}
    for edge in picked:
        label, etype = labels.get(edge["entity"], (edge["entity"], "?"))
        items.append(
            {
                "kind": "edge",
                "paper": edge["title"],
                "role": edge["role"],
                "meaning": ROLE_GLOSS[edge["role"]],
                "entity": label,
                "type": etype,
                "evidence": _edge_evidence(graph, edge["paper"], edge["role"], edge["entity"]),
            }
        )
        key.append({"group": "edge", "iri": edge["entity"], "paper": edge["paper"], "role": edge["role"]})
    order = list(range(len(items)))
    rng.shuffle(order)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
        for n, i in enumerate(order):
            handle.write(json.dumps({"id": f"i{n:03d}", **items[i]}, ensure_ascii=False) + "\n")
    (folder / "key.json").write_text(
        json.dumps({f"i{n:03d}": key[i] for n, i in enumerate(order)}, indent=1), encoding="utf-8"
    )
    top500 = [f"{row.label}\t{row.type}" for row in entities.head(500).itertuples()]
    (folder / "top500.txt").write_text("\n".join(sorted(top500, key=str.casefold)) + "\n", encoding="utf-8")
    glosses = "; ".join(f"`{r}` ({g})" for r, g in ROLE_GLOSS.items())
    (folder / "PROTOCOL.md").write_text(PROTOCOL.format(roles=glosses), encoding="utf-8")
    print(f"{len(items)} items, the protocol and top500.txt in {folder}/ (key.json is not for the judge)")


def score(folder: Path) -> None:
    """Print the verdicts per group, and the share of duplicates among the top 500."""
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    answers = {}
    for line in (folder / "answers.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            answer = json.loads(line)
            answers[answer["id"]] = answer["verdict"].strip().lower()
    for group, verdicts in (("top", ENTITY_VERDICTS), ("random", ENTITY_VERDICTS), ("edge", EDGE_VERDICTS)):
        ids = [i for i, k in key.items() if k["group"] == group]
        counts = Counter(answers.get(i, "not judged") for i in ids)
        cells = " | ".join(f"{counts.get(v, 0)}" for v in verdicts)
        missing = len(ids) - sum(counts.get(v, 0) for v in verdicts)
        print(f"| {group} ({len(ids)}) | {cells} | {missing} |  ({' / '.join(verdicts)} / other)")
    duplicates = folder / "duplicates.json"
    if duplicates.exists():
        groups = json.loads(duplicates.read_text(encoding="utf-8"))
        extra = sum(len(g) - 1 for g in groups if len(g) > 1)
        print(f"duplicates among the top 500: {extra} entities too many ({extra / 5:.1f}%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sheet = sub.add_parser("sheet", help="write the items to judge")
    sheet.add_argument("graph", type=Path, help="a built output folder")
    sheet.add_argument("--dir", type=Path, required=True)
    sheet.add_argument("--seed", type=int, default=2026)
    scoring = sub.add_parser("score", help="tabulate the verdicts")
    scoring.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "sheet":
        make_sheet(args.graph, args.dir, args.seed)
    else:
        score(args.dir)


if __name__ == "__main__":
    main()
