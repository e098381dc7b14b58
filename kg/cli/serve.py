"""``kg serve``: the read-only SPARQL 1.1 endpoint over a built store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DEFAULT_OUT, EXAMPLE_QUERIES, app, err
from kg.errors import KgError


@app.command()
def serve(
    store: Annotated[
        Path,
        typer.Option("--store", help="The Oxigraph store to serve (or an output folder holding store/)."),
    ] = DEFAULT_OUT / "store",
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any free port).")] = 7878,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Most result rows or triples (0: no limit).")
    ] = 100_000,
    workers: Annotated[int, typer.Option("--workers", help="Queries run at once (one process each).")] = 4,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="Memory limit per query worker, MB (0: none).")
    ] = 4096,
    queries: Annotated[
        Path, typer.Option("--queries", help="Example queries shown on the page at /.")
    ] = EXAMPLE_QUERIES,
    in_memory: Annotated[
        bool | None,
        typer.Option(
            "--in-memory/--on-disk",
            help="Each worker queries an in-memory copy of the store (faster on joins), or the store files "
            "(default: in memory for stores up to 150 MB on disk).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/)."""
    import logging
    import signal

    from kg.server.app import make_server

    def stop(_signum, _frame) -> None:
        raise KeyboardInterrupt

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        server = make_server(
            store,
            host=host,
            port=port,
            workers=workers,
            timeout=timeout,
            max_rows=max_rows,
            memory_mb=memory_mb,
            in_memory=in_memory,
            queries=queries,
        )
    except OSError as exc:
        raise KgError(f"{host}:{port}: cannot listen: {exc.strerror or exc}; choose another --port") from None
    signal.signal(signal.SIGTERM, stop)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"kg: warning: listening on {host}: other machines can query this store", markup=False)
    if not server.pool.isolated:
        err.print(
            "kg: warning: the query workers could not be given a network namespace of their own here "
            "(run as root, or allow user namespaces); SERVICE is still refused from each query's parse tree",
            markup=False,
        )
    err.print(
        f"kg: serving {server.pool.path} at {server.url} (SPARQL endpoint {server.url}sparql; read-only; "
        f"{workers} workers, {timeout:g} s per query, max {max_rows:,} rows); Ctrl+C stops",
        markup=False,
        highlight=False,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
