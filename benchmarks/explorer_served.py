"""``kg serve``'s explorer on a large graph: search latency, the overview and node pages, and the
time until a page is ready in headless Chromium. Run by hand (not a test) on a built store::

    .venv/bin/python benchmarks/explorer_served.py OUT/store
"""

import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.server.app import make_server


def main() -> None:
    t = time.time()
    srv = make_server(Path(sys.argv[1]), port=0, workers=2)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    print("server made", round(time.time() - t, 2), flush=True)

    def get(path):
        t = time.perf_counter()
        body = urllib.request.urlopen(srv.url + path, timeout=300).read()
        return time.perf_counter() - t, body

    for q in [
        "ppo",
        "reinforcement learning",
        "imagenet",
        "graph neural",
        "diffusion mod",
        "bert",
        "transformer",
        "few-shot",
    ]:
        times = [get("explore/search?q=" + urllib.parse.quote(q))[0] for _ in range(3)]
        body = get("explore/search?q=" + urllib.parse.quote(q))[1]
        print(
            "search",
            q,
            round(statistics.median(times) * 1000),
            "ms",
            [x["name"] for x in json.loads(body)][:4],
            flush=True,
        )
    d, body = get("explore")
    print("overview page (first)", round(d, 2), "s", len(body), flush=True)
    d, body = get("explore")
    print("overview page (again)", round(d, 3), "s", flush=True)
    for name in ["PPO", "ImageNet", "RL", "accuracy"]:
        hits = json.loads(get("explore/search?q=" + urllib.parse.quote(name))[1])
        iri = hits[0]["id"]
        d, body = get("explore?node=" + urllib.parse.quote(iri))
        print(
            "node page",
            name,
            hits[0]["papers"],
            "papers:",
            round(d, 2),
            "s",
            round(len(body) / 1e6, 2),
            "MB",
            flush=True,
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 860})
        for path in [
            "explore",
            "explore?node=" + urllib.parse.quote(json.loads(get("explore/search?q=ppo")[1])[0]["id"]),
        ]:
            t = time.perf_counter()
            page.goto(srv.url + path)
            page.wait_for_selector("body[data-kg-ready=true]", timeout=120000)
            print("browser ready", path[:40], round(time.perf_counter() - t, 2), "s", flush=True)
        page.goto(srv.url + "explore")
        page.wait_for_selector("body[data-kg-ready=true]")
        b.close()
    srv.shutdown()
    srv.server_close()


if __name__ == "__main__":
    main()
