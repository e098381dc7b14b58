/* kg explorer: reads the graph from #kg-data, draws it with vis-network and fills the
   details panel. Every string that comes from the data is put in the page as text
   (textContent, text nodes); nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";

  const ROLE_ORDER = ["proposes", "uses", "evaluatedOn", "addresses", "mentions"];
  const EVIDENCE_SHOWN = 5;

  const raw = JSON.parse(document.getElementById("kg-data").textContent);
  const info = new Map(); // node id -> {type, label, aliases, degree, [title, abstract, date, n_authors]}
  const edgeInfo = new Map(); // edge id -> {from, to, relation, weight, evidence}
  const outgoing = new Map(); // node id -> [edge id]
  const incoming = new Map();
  const styles = new Map(raw.legend.map((item) => [item.type, item]));

  for (const node of raw.nodes) {
    info.set(node.id, node.kg);
    delete node.kg;
    outgoing.set(node.id, []);
    incoming.set(node.id, []);
  }
  for (const edge of raw.edges) {
    edgeInfo.set(edge.id, Object.assign({ from: edge.from, to: edge.to }, edge.kg));
    delete edge.kg;
    outgoing.get(edge.from).push(edge.id);
    incoming.get(edge.to).push(edge.id);
  }

  const status = document.getElementById("kg-status");
  const details = document.getElementById("kg-details");
  const hint = details.firstElementChild;
  const nodes = new vis.DataSet(raw.nodes);
  const edges = new vis.DataSet(raw.edges);
  const network = new vis.Network(
    document.getElementById("kg-network"),
    { nodes: nodes, edges: edges },
    raw.options,
  );
  window.kgExplorer = { network: network, nodes: nodes, edges: edges, select: focusNode };

  // Physics: stabilise with a bounded number of iterations, then switch it off so a big
  // graph does not keep the page busy.
  function ready() {
    document.body.setAttribute("data-kg-ready", "true");
  }
  if (raw.nodes.length && raw.options.physics && raw.options.physics.enabled !== false) {
    status.textContent = "Laying out…";
    network.on("stabilizationProgress", function (p) {
      status.textContent = "Laying out… " + Math.round((100 * p.iterations) / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      status.textContent = "Layout done; physics off (drag nodes to rearrange).";
      ready();
    });
  } else {
    ready();
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      showNode(params.nodes[0]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {
      details.replaceChildren(hint);
    }
  });

  // -- DOM helpers: text only -----------------------------------------------------------

  function el(tag, className) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child !== null && child !== undefined) element.append(child); // strings -> text nodes
    }
    return element;
  }

  function nodeName(id) {
    const node = info.get(id);
    return node.type === "Paper" ? node.title : node.label;
  }

  function nodeLink(id) {
    const button = el("button", "kg-link", nodeName(id));
    button.type = "button";
    button.addEventListener("click", function () {
      focusNode(id);
    });
    return button;
  }

  function swatch(type) {
    const style = styles.get(type) || styles.get("Other") || { color: "#999999", shape: "dot" };
    const span = el("span", "kg-swatch kg-shape-" + style.shape);
    span.style.backgroundColor = style.color;
    return span;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function terms(id) {
    const node = info.get(id);
    return node.type === "Paper" ? [] : [node.label].concat(node.aliases);
  }

  // The sentence as text nodes, with the given terms wrapped in <mark>.
  function highlighted(sentence, words) {
    const fragment = document.createDocumentFragment();
    const lower = sentence.toLowerCase();
    const wanted = words.filter((w) => w && w.length > 1).map((w) => w.toLowerCase());
    let at = 0;
    if (lower.length === sentence.length) {
      for (;;) {
        let best = -1;
        let bestLength = 0;
        for (const word of wanted) {
          const found = lower.indexOf(word, at);
          if (found !== -1 && (best === -1 || found < best || (found === best && word.length > bestLength))) {
            best = found;
            bestLength = word.length;
          }
        }
        if (best === -1) break;
        fragment.append(sentence.slice(at, best), el("mark", null, sentence.slice(best, best + bestLength)));
        at = best + bestLength;
      }
    }
    fragment.append(sentence.slice(at));
    return fragment;
  }

  function evidenceList(sentences, words) {
    if (!sentences || !sentences.length) return null;
    const list = el("ul", "kg-evidence");
    for (const sentence of sentences.slice(0, EVIDENCE_SHOWN)) {
      list.append(el("li", null, highlighted(sentence, words)));
    }
    if (sentences.length > EVIDENCE_SHOWN) {
      const rest = el("ul", "kg-evidence");
      for (const sentence of sentences.slice(EVIDENCE_SHOWN)) {
        rest.append(el("li", null, highlighted(sentence, words)));
      }
      list.append(el("li", null, el("details", null, el("summary", null, plural(sentences.length - EVIDENCE_SHOWN, "more sentence")), rest)));
    }
    return list;
  }

  function relationRank(relation) {
    const rank = ROLE_ORDER.indexOf(relation);
    return rank === -1 ? ROLE_ORDER.length : rank;
  }

  // Group edge ids by a key; groups ordered by role, then name; items by weight, then name.
  function grouped(edgeIds, keyOf, otherEnd) {
    const groups = new Map();
    for (const edgeId of edgeIds) {
      const key = keyOf(edgeInfo.get(edgeId));
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(edgeId);
    }
    const keys = Array.from(groups.keys()).sort(function (a, b) {
      return relationRank(a.relation) - relationRank(b.relation) || a.title.localeCompare(b.title);
    });
    return keys.map(function (key) {
      const ids = groups.get(key).sort(function (a, b) {
        const ea = edgeInfo.get(a);
        const eb = edgeInfo.get(b);
        return eb.weight - ea.weight || nodeName(otherEnd(ea)).localeCompare(nodeName(otherEnd(eb)));
      });
      return { title: key.title, ids: ids };
    });
  }

  // A section: heading, then per group a sub-heading and the linked nodes with evidence.
  function section(heading, edgeIds, keyOf, otherEnd, words, showWeight) {
    if (!edgeIds.length) return [];
    const parts = [el("h3", null, heading)];
    for (const group of grouped(edgeIds, keyOf, otherEnd)) {
      parts.push(el("h4", null, group.title + " (" + group.ids.length + ")"));
      const list = el("ul", "kg-items");
      for (const edgeId of group.ids) {
        const edge = edgeInfo.get(edgeId);
        const other = otherEnd(edge);
        const weight = showWeight && edge.weight > 1 ? el("span", "kg-weight", " · " + plural(edge.weight, "paper")) : null;
        list.append(el("li", null, nodeLink(other), weight, evidenceList(edge.evidence, words.concat(terms(other)))));
      }
      parts.push(list);
    }
    return parts;
  }

  // Keys are objects so that relation names are never used as property names.
  const keyCache = new Map();
  function key(relation, title) {
    const cacheKey = relation + "\u0000" + title;
    if (!keyCache.has(cacheKey)) keyCache.set(cacheKey, { relation: relation, title: title });
    return keyCache.get(cacheKey);
  }

  // -- details panel --------------------------------------------------------------------

  function header(id) {
    const node = info.get(id);
    const parts = [
      el("h2", null, nodeName(id)),
      el("div", "kg-type", swatch(node.type), node.type + " · " + plural(node.degree, "link")),
    ];
    if (node.aliases.length) {
      parts.push(el("ul", "kg-facts", el("li", null, "Also known as: " + node.aliases.join("; "))));
    }
    return parts;
  }

  function isPaper(id) {
    return info.get(id).type === "Paper";
  }

  function showNode(id) {
    const node = info.get(id);
    if (!node) return;
    let parts = header(id);
    const out = outgoing.get(id);
    const into = incoming.get(id);
    const toEnd = (edge) => edge.to;
    const fromEnd = (edge) => edge.from;
    const byRelation = (edge) => key(edge.relation, edge.relation);
    if (node.type === "Paper") {
      const facts = el("ul", "kg-facts");
      if (node.label && node.label !== node.title) facts.append(el("li", null, "Label: " + node.label));
      facts.append(el("li", null, "Date: " + (node.date || "unknown")));
      facts.append(el("li", null, "Authors: " + (node.n_authors === null ? "unknown" : node.n_authors)));
      parts.push(facts);
      parts.push(el("p", "kg-abstract", node.abstract || "No abstract."));
      parts = parts.concat(section("Relations", out, byRelation, toEnd, [], false));
      parts = parts.concat(section("Linked from", into, byRelation, fromEnd, [], true));
    } else {
      const words = terms(id);
      const fromPapers = into.filter((e) => isPaper(edgeInfo.get(e).from));
      const fromEntities = into.filter((e) => !isPaper(edgeInfo.get(e).from));
      parts = parts.concat(section("Papers", fromPapers, byRelation, fromEnd, words, false));
      parts = parts.concat(
        section("Relations", out, (e) => key(e.relation, e.relation + " →"), toEnd, words, true),
      );
      parts = parts.concat(
        section("Related from", fromEntities, (e) => key(e.relation, "← " + e.relation), fromEnd, words, true),
      );
      if (!into.length && !out.length) parts.push(el("p", "kg-none", "No links in this view."));
    }
    details.replaceChildren.apply(details, parts);
    details.scrollTop = 0;
  }

  function showEdge(edgeId) {
    const edge = edgeInfo.get(edgeId);
    if (!edge) return;
    const parts = [
      el("h2", null, edge.relation),
      el("p", null, nodeLink(edge.from), " → ", nodeLink(edge.to)),
      el("ul", "kg-facts", el("li", null, "Supported by " + plural(edge.weight, "paper"))),
    ];
    const evidence = evidenceList(edge.evidence, terms(edge.from).concat(terms(edge.to)));
    parts.push(evidence || el("p", "kg-none", "No evidence sentences."));
    details.replaceChildren.apply(details, parts);
    details.scrollTop = 0;
  }

  function focusNode(id) {
    if (!info.has(id)) return;
    network.selectNodes([id]);
    network.focus(id, {
      scale: Math.max(1, network.getScale()),
      animation: { duration: 400, easingFunction: "easeInOutQuad" },
    });
    showNode(id);
  }

  // -- search: labels, aliases and paper titles ------------------------------------------

  const lookup = new Map(); // lower-cased name -> id of the best-connected node with it
  const names = [];
  for (const [id, node] of info) {
    const candidates = [node.label].concat(node.aliases);
    if (node.type === "Paper" && node.title !== node.label) candidates.push(node.title);
    for (const name of candidates) {
      if (!name) continue;
      const lowered = name.toLowerCase();
      const previous = lookup.get(lowered);
      if (previous === undefined) {
        lookup.set(lowered, id);
        names.push(name);
      } else if (info.get(previous).degree < node.degree) {
        lookup.set(lowered, id);
      }
    }
  }
  const options = document.getElementById("kg-search-options");
  const fragment = document.createDocumentFragment();
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    const option = document.createElement("option");
    option.value = name;
    fragment.append(option);
  }
  options.append(fragment);

  function find(query) {
    const q = query.trim().toLowerCase();
    if (!q) return undefined;
    if (lookup.has(q)) return lookup.get(q);
    let best;
    let bestScore = -1;
    for (const [name, id] of lookup) {
      const score = name.startsWith(q) ? 2 : name.includes(q) ? 1 : 0;
      if (score === 0) continue;
      if (score > bestScore || (score === bestScore && info.get(id).degree > info.get(best).degree)) {
        best = id;
        bestScore = score;
      }
    }
    return best;
  }

  const input = document.getElementById("kg-search-input");
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    const id = find(input.value);
    if (id === undefined) {
      status.textContent = "No node matches “" + input.value.trim() + "”.";
    } else {
      focusNode(id);
    }
  });
  input.addEventListener("input", function (event) {
    // Picking an entry of the datalist focuses it at once.
    if (event.inputType === undefined || event.inputType === "insertReplacementText") {
      const id = lookup.get(input.value.trim().toLowerCase());
      if (id !== undefined) focusNode(id);
    }
  });
})();
