/* kg explorer: reads the graph from #kg-data, draws it with vis-network, and runs the
   search, filters, ego network and details panel. Every string that comes from the data is
   put in the page as text (textContent, text nodes, attribute values); nothing from the
   data is ever parsed as HTML. */
(function () {
  "use strict";

  const timings = { script: performance.now() };
  const numbers = new Intl.NumberFormat("en-US");
  const EVIDENCE_SHOWN = 3; // sentences per link before "more"
  const ITEMS_SHOWN = 25; // links per group before "show all"
  const SUGGESTIONS = 12;
  const LAYOUT_BUDGET_MS = 2500; // an ego network's physics stops after this, stabilised or not

  const raw = JSON.parse(document.getElementById("kg-data").textContent);
  const meta = raw.meta;
  const styles = new Map(raw.legend.map((item) => [item.type, item]));
  // relations in the order the page lists them (paper roles first), with readable names
  const relationNames = new Map(raw.relations.map((item) => [item.relation, item.label || item.relation]));
  const relationRanks = new Map(raw.relations.map((item, i) => [item.relation, i]));
  const info = new Map(); // node id -> {type, label, aliases, degree, [title, abstract, date, year, n_authors, authors, venue, links]}
  const edgeInfo = new Map(); // edge id -> {from, to, relation, weight, evidence, start, end}
  const outgoing = new Map(); // node id -> [edge id]
  const incoming = new Map();
  const neighbours = new Map(); // node id -> Set of node ids, either direction
  const home = new Map(); // node id -> {x, y}: the position in the full view
  const drawn = new Map(); // node id -> {label, size}: how the full view draws it
  // The overview the page opens on (graphs above a size): the entities with the most papers of
  // each type, grouped by community, at positions where their labels fit.
  const overview = raw.overview; // {per_type, nodes: [{id, papers, group, x, y}], groups: [{group, members, papers}]} | null
  const spots = new Map(overview ? overview.nodes.map((spot) => [spot.id, spot]) : []);
  const FONT_SIZE = raw.options.nodes.font.size;
  const OVERVIEW_FONT_SIZE = 20;
  const mostPapers = Math.max.apply(null, [1].concat(Array.from(spots.values(), (spot) => spot.papers)));
  let declutterTimer = null; // see declutter()

  for (const node of raw.nodes) {
    info.set(node.id, node.kg);
    outgoing.set(node.id, []);
    incoming.set(node.id, []);
    neighbours.set(node.id, new Set());
    home.set(node.id, { x: node.x, y: node.y });
    drawn.set(node.id, { label: node.label, size: node.size });
  }
  // vis-network items: new objects of one shape (deleting a key would slow every later read)
  const nodeItems = raw.nodes.map((node) => Object.assign({
    id: node.id, group: node.group, label: node.label, size: node.size, x: node.x, y: node.y,
    title: nodeTooltip(node.id), font: { size: FONT_SIZE },
  }, spots.has(node.id) ? overviewItem(node.id) : {}));
  const edgeItems = [];
  let maxWeight = 1;
  for (const edge of raw.edges) {
    const data = Object.assign({ from: edge.from, to: edge.to }, edge.kg);
    edgeInfo.set(edge.id, data);
    const item = {
      id: edge.id, from: edge.from, to: edge.to, width: edge.width,
      title: relationName(data.relation) + "\n" + nodeName(edge.from) + " → " + nodeName(edge.to) +
        (data.weight > 1 ? "\nsupported by " + plural(data.weight, "paper") : ""),
    };
    if (edge.smooth) item.smooth = edge.smooth;
    edgeItems.push(item);
    outgoing.get(edge.from).push(edge.id);
    incoming.get(edge.to).push(edge.id);
    neighbours.get(edge.from).add(edge.to);
    neighbours.get(edge.to).add(edge.from);
    maxWeight = Math.max(maxWeight, data.weight);
  }

  const status = document.getElementById("kg-status");
  const counts = document.getElementById("kg-counts");
  const details = document.getElementById("kg-details");
  const hint = details.firstElementChild;
  const showAllButton = document.getElementById("kg-show-all");
  const overviewButton = document.getElementById("kg-overview");
  const depthSelect = document.getElementById("kg-depth");

  // -- what is shown: type, relation, degree and support filters, and the ego network ------

  const state = {
    types: new Set(raw.legend.map((item) => item.type)),
    relations: new Set(raw.relations.map((item) => item.relation)),
    minDegree: 0,
    minSupport: 1,
    ego: null, // {id, depth, members: Set}
    overview: overview ? new Set(spots.keys()) : null, // the overview's members while it is shown
    yearFrom: null, // papers from this year to yearTo (null: no bound; a paper without a year
    yearTo: null, //   is left out once a bound is set)
    venue: "", // only papers of this venue ("" for all)
  };
  let visible = new Set();

  function groupOf(id) {
    const type = info.get(id).type;
    return styles.has(type) ? type : "Other";
  }

  function nodePasses(id) {
    return state.types.has(groupOf(id)) && info.get(id).degree >= state.minDegree &&
      (state.ego === null || state.ego.members.has(id)) &&
      (state.overview === null || state.overview.has(id)) && (!isPaper(id) || paperPasses(id));
  }

  // The year-range and venue filter: it applies to the papers drawn and to the papers listed.
  function paperPasses(id) {
    const node = info.get(id);
    if (state.venue && node.venue !== state.venue) return false;
    if (state.yearFrom === null && state.yearTo === null) return true;
    if (node.year === null || node.year === undefined) return false;
    return (state.yearFrom === null || node.year >= state.yearFrom) && (state.yearTo === null || node.year <= state.yearTo);
  }

  function papersFiltered() {
    return state.venue !== "" || state.yearFrom !== null || state.yearTo !== null;
  }

  function edgePasses(id) {
    const edge = edgeInfo.get(id);
    return state.relations.has(edge.relation) && edge.weight >= state.minSupport &&
      visible.has(edge.from) && visible.has(edge.to);
  }

  function computeVisible() {
    visible = new Set();
    for (const id of info.keys()) if (nodePasses(id)) visible.add(id);
  }

  const nodes = new vis.DataSet(nodeItems);
  const edges = new vis.DataSet(edgeItems);
  computeVisible();
  const nodeView = new vis.DataView(nodes, { filter: (item) => visible.has(item.id) });
  const edgeView = new vis.DataView(edges, { filter: (item) => edgePasses(item.id) });
  timings.data = performance.now();
  const network = new vis.Network(
    document.getElementById("kg-network"),
    { nodes: nodeView, edges: edgeView },
    raw.options,
  );
  network.fit({ animation: false });
  timings.network = performance.now();

  function applyFilters() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    updateCounts();
    declutterSoon();
  }

  function updateCounts() {
    const n = nodeView.length;
    const m = edgeView.length;
    counts.textContent = n === raw.nodes.length && m === raw.edges.length
      ? plural(n, "node") + " · " + plural(m, "edge")
      : "showing " + n + " of " + plural(raw.nodes.length, "node") + " · " + m + " of " + plural(raw.edges.length, "edge");
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function ready() {
    timings.ready = performance.now();
    document.body.setAttribute("data-kg-ready", "true");
  }

  // -- filters --------------------------------------------------------------------------

  const typeBoxes = new Map();
  for (const box of document.querySelectorAll("#kg-types input[name=type]")) {
    typeBoxes.set(box.value, box);
    box.addEventListener("change", function () {
      if (box.checked) state.types.add(box.value);
      else state.types.delete(box.value);
      applyFilters();
    });
  }

  const relationSet = document.getElementById("kg-relations");
  const relationBoxes = new Map();
  for (const item of raw.relations) {
    const box = el("input");
    box.type = "checkbox";
    box.name = "relation";
    box.value = item.relation;
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) state.relations.add(item.relation);
      else state.relations.delete(item.relation);
      applyFilters();
    });
    relationBoxes.set(item.relation, box);
    relationSet.append(el("label", "kg-toggle", box, relationName(item.relation) + " ", el("span", "kg-count", String(item.count))));
  }
  if (!raw.relations.length) relationSet.hidden = true;

  // Slider positions are the distinct degrees, so the skewed low end gets as many steps as
  // the long tail; the last position still leaves at least ten nodes.
  function thresholds(values, keep) {
    const sorted = Array.from(values).sort((a, b) => b - a);
    const top = sorted.length ? sorted[Math.min(keep, sorted.length) - 1] : 0;
    return Array.from(new Set(values)).filter((v) => v >= 2 && v <= top).sort((a, b) => a - b);
  }

  const degreeSlider = document.getElementById("kg-min-degree");
  const degreeOutput = document.getElementById("kg-min-degree-value");
  const degreeSteps = [0].concat(thresholds(Array.from(info.values(), (n) => n.degree), 10));
  degreeSlider.max = String(degreeSteps.length - 1);
  degreeSlider.addEventListener("input", function () {
    state.minDegree = degreeSteps[Number(degreeSlider.value)];
    degreeOutput.textContent = state.minDegree ? "≥ " + state.minDegree : "any";
    applyFilters();
  });

  const supportSlider = document.getElementById("kg-min-support");
  const supportOutput = document.getElementById("kg-min-support-value");
  const supportSteps = [1].concat(thresholds(Array.from(edgeInfo.values(), (e) => e.weight), 10));
  if (maxWeight > 1 && supportSteps.length > 1) {
    document.getElementById("kg-min-support-label").hidden = false;
    supportSlider.max = String(supportSteps.length - 1);
    supportSlider.addEventListener("input", function () {
      state.minSupport = supportSteps[Number(supportSlider.value)];
      supportOutput.textContent = state.minSupport > 1 ? "≥ " + state.minSupport : "1";
      applyFilters();
    });
  }

  // Years and venues of the papers, for the paper filter (shown only when the papers have them).
  const paperYears = [];
  const venueCounts = new Map();
  for (const node of info.values()) {
    if (node.type !== "Paper") continue;
    if (Number.isInteger(node.year)) paperYears.push(node.year);
    if (node.venue) venueCounts.set(node.venue, (venueCounts.get(node.venue) || 0) + 1);
  }
  const years = Array.from(new Set(paperYears)).sort((a, b) => a - b);
  const yearFrom = document.getElementById("kg-year-from");
  const yearTo = document.getElementById("kg-year-to");
  const venueSelect = document.getElementById("kg-venue");
  if (years.length > 1) {
    for (const year of years) {
      yearFrom.append(new Option(String(year), String(year)));
      yearTo.append(new Option(String(year), String(year)));
    }
    yearFrom.value = String(years[0]);
    yearTo.value = String(years[years.length - 1]);
    document.getElementById("kg-years-label").hidden = false;
  }
  const venues = Array.from(venueCounts.keys()).sort((a, b) => venueCounts.get(b) - venueCounts.get(a) || a.localeCompare(b));
  if (venues.length > 1) {
    for (const venue of venues) venueSelect.append(new Option(venue + " (" + venueCounts.get(venue) + ")", venue));
    document.getElementById("kg-venue-label").hidden = false;
  }
  document.getElementById("kg-papers-filter").hidden = years.length < 2 && venues.length < 2;

  function onPaperFilter() {
    let from = Number(yearFrom.value);
    let to = Number(yearTo.value);
    if (from > to) {
      [from, to] = [to, from];
      yearFrom.value = String(from);
      yearTo.value = String(to);
    }
    state.yearFrom = years.length > 1 && from > years[0] ? from : null;
    state.yearTo = years.length > 1 && to < years[years.length - 1] ? to : null;
    state.venue = venueSelect.value;
    applyFilters();
    const shown = details.getAttribute("data-node");
    if (shown && info.has(shown)) showNode(shown);
  }
  yearFrom.addEventListener("change", onPaperFilter);
  yearTo.addEventListener("change", onPaperFilter);
  venueSelect.addEventListener("change", onPaperFilter);

  // Make sure a node the user asked for is shown: switch its type back on, lower the
  // degree threshold, leave an ego network it is not part of.
  function reveal(id) {
    const changes = [];
    if (state.overview !== null && !state.overview.has(id)) {
      leaveOverview(false);
      changes.push("left the overview");
    }
    if (state.ego !== null && !state.ego.members.has(id)) {
      leaveEgo(false);
      changes.push("left the ego network");
    }
    const group = groupOf(id);
    if (!state.types.has(group)) {
      state.types.add(group);
      if (typeBoxes.has(group)) typeBoxes.get(group).checked = true;
      changes.push("showing " + group + " nodes again");
    }
    if (isPaper(id) && !paperPasses(id)) {
      state.yearFrom = state.yearTo = null;
      state.venue = "";
      if (years.length > 1) {
        yearFrom.value = String(years[0]);
        yearTo.value = String(years[years.length - 1]);
      }
      venueSelect.value = "";
      changes.push("cleared the paper filter");
    }
    if (info.get(id).degree < state.minDegree) {
      state.minDegree = 0;
      degreeSlider.value = "0";
      degreeOutput.textContent = "any";
      changes.push("cleared the minimum links");
    }
    if (changes.length) {
      applyFilters();
      setStatus("To show " + nodeName(id) + ": " + changes.join(", ") + ".");
    }
  }

  // -- ego network: the nodes at most `depth` links away, laid out around the node --------

  function egoLevels(id, depth) {
    const levels = new Map([[id, { level: 0, parent: null }]]);
    let frontier = [id];
    for (let level = 1; level <= depth; level++) {
      const next = [];
      for (const node of frontier) {
        for (const other of neighbours.get(node)) {
          if (!levels.has(other)) {
            levels.set(other, { level: level, parent: node });
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return levels;
  }

  // Start positions: the node in the middle, each level on a ring, grouped by the node of the
  // inner ring it was reached from; physics then untangles it.
  function radialPositions(id, levels) {
    const rings = [];
    for (const [node, where] of levels) {
      if (where.level === 0) continue;
      (rings[where.level] = rings[where.level] || []).push(node);
    }
    const angle = new Map([[id, 0]]);
    const updates = [{ id: id, x: 0, y: 0 }];
    let radius = 0;
    for (let level = 1; level < rings.length; level++) {
      const ring = rings[level] || [];
      ring.sort(function (a, b) {
        const pa = angle.get(levels.get(a).parent);
        const pb = angle.get(levels.get(b).parent);
        return pa - pb || typeRank(a) - typeRank(b) || nodeName(a).localeCompare(nodeName(b));
      });
      radius = Math.max(radius + 200, (ring.length * 45) / (2 * Math.PI));
      ring.forEach(function (node, i) {
        const a = (2 * Math.PI * i) / ring.length;
        angle.set(node, a);
        updates.push({ id: node, x: Math.round(radius * Math.cos(a)), y: Math.round(radius * Math.sin(a)) });
      });
    }
    return updates;
  }

  function typeRank(id) {
    return raw.legend.findIndex((item) => item.type === groupOf(id));
  }

  function enterEgo(id, depth, onDone) {
    if (!info.has(id)) return;
    depth = depth === 2 ? 2 : 1;
    if (state.overview !== null) leaveOverview(false);
    if (state.ego !== null) leaveEgo(false);
    unhighlight();
    const levels = egoLevels(id, depth);
    state.ego = { id: id, depth: depth, members: new Set(levels.keys()) };
    reveal(id);
    applyFilters();
    nodes.update(radialPositions(id, levels));
    depthSelect.value = String(depth);
    viewButtons();
    network.selectNodes([id]);
    showNode(id);
    setStatus("Ego network of " + nodeName(id) + " (depth " + depth + "): " + plural(nodeView.length, "node") + ". Laying out…");
    layOut(function (seconds, iterations) {
      setStatus(
        "Ego network of " + nodeName(id) + " (depth " + depth + "): " + plural(nodeView.length, "node") +
        "; layout " + iterations + " iterations in " + seconds.toFixed(1) + " s, physics off. “Whole graph” shows everything.",
      );
      if (onDone) onDone();
    });
  }

  function leaveEgo(refresh) {
    if (state.ego === null) return;
    const members = state.ego.members;
    state.ego = null;
    viewButtons();
    const back = [];
    for (const id of members) back.push(Object.assign({ id: id }, home.get(id)));
    nodes.update(back);
    if (refresh !== false) {
      applyFilters();
      network.fit({ animation: false });
      setStatus("Showing the whole graph.");
    }
  }

  // -- the overview: the most-supported entities of each type, grouped by community ----------

  function overviewItem(id) {
    const spot = spots.get(id);
    return {
      id: id, x: spot.x, y: spot.y, label: drawn.get(id).label + " · " + numbers.format(spot.papers),
      size: 10 + 22 * Math.sqrt(spot.papers / mostPapers), font: { size: OVERVIEW_FONT_SIZE },
    };
  }

  function entities(n) {
    return numbers.format(n) + (n === 1 ? " entity" : " entities");
  }

  function homeItem(id) {
    return Object.assign({ id: id, label: drawn.get(id).label, size: drawn.get(id).size, font: { size: FONT_SIZE } }, home.get(id));
  }

  function viewButtons() {
    if (meta.served) {
      // a served page is the overview or one node's neighbourhood; the overview is its own page
      overviewButton.hidden = state.overview !== null;
      showAllButton.hidden = true;
      return;
    }
    overviewButton.hidden = overview === null || state.overview !== null;
    showAllButton.hidden = state.overview === null && state.ego === null;
  }

  function enterOverview() {
    if (overview === null) return;
    if (state.ego !== null) leaveEgo(false);
    unhighlight();
    network.unselectAll();
    state.overview = new Set(spots.keys());
    nodes.update(Array.from(spots.keys(), overviewItem));
    applyFilters();
    network.fit({ animation: false });
    viewButtons();
    showOverview();
    setStatus("Overview: the entities with the most papers of each type, grouped by the papers they share.");
  }

  function leaveOverview(refresh) {
    if (state.overview === null) return;
    state.overview = null;
    nodes.update(Array.from(spots.keys(), homeItem));
    viewButtons();
    if (refresh !== false) {
      applyFilters();
      network.fit({ animation: false });
      details.replaceChildren(hint);
      setStatus("Showing the whole graph.");
    }
  }

  // The details panel while the overview is shown: what it is, and its groups as lists.
  function showOverview() {
    const parts = [
      el("h2", null, "Overview"),
      el(
        "p", null,
        "The " + entities(spots.size) + " with the most papers of each type (up to " +
        overview.per_type + "), in " + plural(overview.groups.length, "group") +
        " of entities that papers use together (Leiden communities). The number after a name counts its papers. " +
        (meta.served
          ? "Click an entity for its neighbourhood; search finds every paper and entity of the graph."
          : "Click an entity for its neighbourhood; “Whole graph” shows all " + plural(raw.nodes.length, "node") + "."),
      ),
    ];
    for (const group of overview.groups) {
      const list = el("ul", "kg-items kg-overview-group");
      list.setAttribute("data-group", String(group.group));
      for (const id of group.members) {
        list.append(el("li", null, swatch(groupOf(id)), " ", nodeLink(id), el("span", "kg-weight", " · " + plural(spots.get(id).papers, "paper"))));
      }
      const names = group.members.slice(0, 3).map(nodeName).join(", ") + (group.members.length > 3 ? ", …" : "");
      parts.push(el("h4", null, "Group " + (group.group + 1) + ": " + names + " (" + entities(group.members.length) + ")"), list);
    }
    details.replaceChildren.apply(details, parts);
    details.removeAttribute("data-node");
    details.scrollTop = 0;
  }

  overviewButton.addEventListener("click", function () {
    if (meta.served) openPage(null);
    else enterOverview();
  });

  // -- labels: drawn only where they do not cover another, always for the selected node and
  // (up to 30) its neighbours; the others by links, most first. Run when the view or zoom changes.

  const LABEL_COLOR = raw.options.nodes.font.color;
  const FORCED_NEIGHBOUR_LABELS = 30;
  const NO_LABEL = { color: "rgba(0,0,0,0)", strokeWidth: 0 };
  let unlabelled = new Set();

  function declutterSoon() {
    clearTimeout(declutterTimer);
    declutterTimer = setTimeout(declutter, 80);
  }

  function declutter() {
    const ids = nodeView.getIds();
    const scale = network.getScale();
    const positions = network.getPositions(ids);
    // The selection always has its label, and so do its neighbours unless they are too many to
    // fit (an ego network); then they come first among the labels that must not collide.
    const important = new Set();
    const near = new Set();
    for (const id of network.getSelectedNodes()) {
      important.add(id);
      for (const other of neighbours.get(id)) near.add(other);
    }
    if (near.size <= FORCED_NEIGHBOUR_LABELS) for (const id of near) important.add(id);
    const order = ids.slice().sort(function (a, b) {
      return important.has(b) - important.has(a) || near.has(b) - near.has(a) || faded.has(a) - faded.has(b) ||
        info.get(b).degree - info.get(a).degree || (a < b ? -1 : a > b ? 1 : 0);
    });
    const CELL = 80;
    const grid = new Map();
    const next = new Set();
    for (const id of order) {
      const item = nodes.get(id);
      const size = item.font && item.font.size ? item.font.size : FONT_SIZE;
      const label = item.label || "";
      const w = label.length * size * 0.6 * scale;
      const h = size * 1.3 * scale;
      const x0 = positions[id].x * scale - w / 2;
      const y0 = (positions[id].y + (item.size || 10)) * scale;
      const box = [x0, y0, x0 + w, y0 + h];
      const cells = [];
      for (let cx = Math.floor(box[0] / CELL); cx <= Math.floor(box[2] / CELL); cx++) {
        for (let cy = Math.floor(box[1] / CELL); cy <= Math.floor(box[3] / CELL); cy++) cells.push(cx + "," + cy);
      }
      const hit = !important.has(id) && cells.some((key) => (grid.get(key) || []).some(
        (other) => other[0] < box[2] && box[0] < other[2] && other[1] < box[3] && box[1] < other[3]));
      if (hit) {
        next.add(id);
        continue;
      }
      for (const key of cells) {
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(box);
      }
    }
    const updates = [];
    for (const id of ids) {
      const hide = next.has(id);
      if (hide === unlabelled.has(id)) continue;
      const size = (nodes.get(id).font || {}).size || FONT_SIZE;
      updates.push({ id: id, font: hide ? Object.assign({ size: size }, NO_LABEL) : { size: size, color: LABEL_COLOR } });
    }
    for (const id of unlabelled) {
      if (!next.has(id) && !nodeView.get(id)) updates.push({ id: id, font: { size: (nodes.get(id).font || {}).size || FONT_SIZE } });
    }
    unlabelled = next;
    if (updates.length) nodes.update(updates);
  }

  network.on("zoom", declutterSoon);

  // Physics for the visible nodes: a bounded number of iterations (and seconds) without
  // drawing, then physics off so nothing keeps moving.
  function layOut(onDone) {
    const n = nodeView.length;
    const started = performance.now();
    if (n < 2) {
      network.fit({ animation: false });
      onDone(0, 0);
      return;
    }
    const iterations = Math.max(40, Math.min(raw.options.physics.stabilization.iterations, Math.round(60000 / n)));
    let done = 0;
    function progress(p) {
      done = p.iterations;
      if (performance.now() - started > LAYOUT_BUDGET_MS) network.stopSimulation();
    }
    network.on("stabilizationProgress", progress);
    network.once("stabilizationIterationsDone", function () {
      network.off("stabilizationProgress", progress);
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      declutter();
      onDone((performance.now() - started) / 1000, Math.max(done, 1));
    });
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(iterations);
  }

  showAllButton.addEventListener("click", showWholeGraph);

  function showWholeGraph() {
    if (state.overview !== null) leaveOverview(true);
    else leaveEgo(true);
  }
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.ego !== null && event.target === document.body) leaveEgo(true);
  });

  // -- selection: in the whole graph the selected node and its neighbours stay, the rest fades --

  const FADED = 0.15;
  let faded = new Set(); // ids of the nodes drawn faded

  function fade(keep) {
    const updates = [];
    const next = new Set();
    for (const id of info.keys()) {
      const dim = keep !== null && !keep.has(id);
      if (dim) next.add(id);
      if (dim !== faded.has(id)) updates.push({ id: id, opacity: dim ? FADED : 1 });
    }
    faded = next;
    if (updates.length) nodes.update(updates);
  }

  function highlight(id) {
    declutterSoon();
    if (state.ego !== null) return; // an ego network is already the node's neighbourhood
    fade(new Set([id].concat(network.getConnectedNodes(id))));
  }

  function unhighlight() {
    if (faded.size) fade(null);
  }

  // -- network events --------------------------------------------------------------------

  network.on("click", function (params) {
    if (state.overview !== null) {
      if (params.nodes.length && meta.served) openPage(params.nodes[0]);
      else if (params.nodes.length) enterEgo(params.nodes[0], 1);
      else showOverview();
      return;
    }
    if (params.nodes.length) {
      showNode(params.nodes[0]);
      highlight(params.nodes[0]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
      unhighlight();
    } else {
      details.replaceChildren(hint);
      unhighlight();
    }
  });
  network.on("doubleClick", function (params) {
    if (!params.nodes.length) return;
    if (meta.served && !(meta.focus && meta.focus.id === params.nodes[0])) openPage(params.nodes[0]);
    else enterEgo(params.nodes[0], Number(depthSelect.value));
  });
  network.on("dragEnd", function (params) {
    // keep what the user arranged when filters remove and bring back nodes
    if (state.ego !== null || !params.nodes.length) return;
    const moved = network.getPositions(params.nodes);
    const updates = [];
    for (const id of params.nodes) {
      home.set(id, moved[id]);
      updates.push({ id: id, x: moved[id].x, y: moved[id].y });
    }
    nodes.update(updates);
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

  function button(text, onClick, className) {
    const b = el("button", className || null, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function nodeName(id) {
    const node = info.get(id);
    return node.type === "Paper" ? node.title : node.label;
  }

  function nodeTooltip(id) {
    const node = info.get(id);
    const when = node.type === "Paper" && node.date ? " · " + node.date : "";
    return nodeName(id) + "\n" + node.type + when + " · " + plural(node.degree, "link");
  }

  function nodeLink(id) {
    return button(nodeName(id), function () {
      focusNode(id);
    }, "kg-link");
  }

  function swatch(group) {
    const style = styles.get(group) || { color: "#999999", shape: "dot" };
    const span = el("span", "kg-swatch kg-shape-" + style.shape);
    span.style.backgroundColor = style.color;
    return span;
  }

  function tint(group, alpha) {
    const colour = (styles.get(group) || { color: "#999999" }).color;
    const value = parseInt(colour.slice(1), 16);
    return "rgba(" + (value >> 16) + ", " + ((value >> 8) & 255) + ", " + (value & 255) + ", " + alpha + ")";
  }

  function relationName(relation) {
    return relationNames.get(relation) || relation;
  }

  function plural(n, word) {
    return numbers.format(n) + " " + word + (n === 1 ? "" : "s");
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
    const rank = relationRanks.get(relation);
    return rank === undefined ? relationRanks.size : rank;
  }

  // Group edge ids by relation; groups ordered by role, items by weight, then name.
  function grouped(edgeIds, otherEnd) {
    const groups = new Map();
    for (const edgeId of edgeIds) {
      const relation = edgeInfo.get(edgeId).relation;
      if (!groups.has(relation)) groups.set(relation, []);
      groups.get(relation).push(edgeId);
    }
    const relations = Array.from(groups.keys()).sort(function (a, b) {
      return relationRank(a) - relationRank(b) || a.localeCompare(b);
    });
    return relations.map(function (relation) {
      const ids = groups.get(relation).sort(function (a, b) {
        const ea = edgeInfo.get(a);
        const eb = edgeInfo.get(b);
        return eb.weight - ea.weight || nodeName(otherEnd(ea)).localeCompare(nodeName(otherEnd(eb)));
      });
      return { relation: relation, ids: ids };
    });
  }

  // A section: heading, then per relation a sub-heading and the linked nodes with evidence.
  function section(heading, edgeIds, otherEnd, words, decorate) {
    if (!edgeIds.length) return [];
    const parts = [el("h3", null, heading)];
    for (const group of grouped(edgeIds, otherEnd)) {
      parts.push(el("h4", null, decorate(relationName(group.relation)) + " (" + group.ids.length + ")"));
      const list = el("ul", "kg-items");
      list.setAttribute("data-relation", group.relation);
      const item = function (edgeId) {
        const edge = edgeInfo.get(edgeId);
        const other = otherEnd(edge);
        const weight = edge.weight > 1 ? el("span", "kg-weight", " · " + plural(edge.weight, "paper")) : null;
        return el("li", null, nodeLink(other), weight, evidenceList(edge.evidence, words.concat(terms(other))));
      };
      for (const edgeId of group.ids.slice(0, ITEMS_SHOWN)) list.append(item(edgeId));
      parts.push(list);
      if (group.ids.length > ITEMS_SHOWN) {
        const more = button("Show all " + group.ids.length, function () {
          for (const edgeId of group.ids.slice(ITEMS_SHOWN)) list.append(item(edgeId));
          more.remove();
        });
        parts.push(more);
      }
    }
    return parts;
  }

  // -- details panel --------------------------------------------------------------------

  function isPaper(id) {
    return info.get(id).type === "Paper";
  }

  // Mentions with character offsets into title + "\n\n" + abstract, best role first,
  // overlaps dropped.
  function mentionSpans(id, text) {
    const spans = [];
    for (const edgeId of outgoing.get(id)) {
      const edge = edgeInfo.get(edgeId);
      if (Number.isInteger(edge.start) && Number.isInteger(edge.end) && edge.start >= 0 && edge.start < edge.end && edge.end <= text.length) {
        spans.push(edge);
      }
    }
    spans.sort((a, b) => a.start - b.start || relationRank(a.relation) - relationRank(b.relation) || b.end - a.end);
    const kept = [];
    for (const span of spans) {
      if (!kept.length || span.start >= kept[kept.length - 1].end) kept.push(span);
    }
    return kept;
  }

  // text[from, to) as text nodes, with the mentions in it as clickable marks.
  function withMentions(text, from, to, spans) {
    const fragment = document.createDocumentFragment();
    let at = from;
    for (const span of spans) {
      if (span.start < from || span.end > to) continue;
      fragment.append(text.slice(at, span.start));
      const mark = el("mark", "kg-mention", text.slice(span.start, span.end));
      mark.style.backgroundColor = tint(groupOf(span.to), 0.28);
      mark.title = info.get(span.to).type + ": " + nodeName(span.to) + " (" + relationName(span.relation) + ")";
      mark.tabIndex = 0;
      mark.setAttribute("role", "button");
      mark.setAttribute("data-relation", span.relation);
      mark.addEventListener("click", () => focusNode(span.to));
      mark.addEventListener("keydown", function (event) {
        if (event.key === "Enter") focusNode(span.to);
      });
      fragment.append(mark);
      at = span.end;
    }
    fragment.append(text.slice(at, to));
    return fragment;
  }

  function authorsText(node) {
    if (node.authors && node.authors.length) return node.authors.join(", ");
    return node.n_authors === null || node.n_authors === undefined ? "unknown" : String(node.n_authors);
  }

  // A link out to the paper; only http(s) addresses become links (the page is built with the
  // same rule), anything else stays text.
  function webLink(url) {
    if (!/^https?:\/\//i.test(url)) return el("span", null, url + " ");
    const a = el("a", null, new URL(url).hostname);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.title = url;
    return el("span", null, a, " ");
  }

  function egoActions(id) {
    return el(
      "div",
      "kg-actions",
      "Ego network:",
      button("depth 1", () => enterEgo(id, 1)),
      button("depth 2", () => enterEgo(id, 2)),
    );
  }

  function showNode(id) {
    const node = info.get(id);
    if (!node) return;
    const links = plural(node.degree, "link");
    let parts;
    if (node.type === "Paper") {
      const text = node.title + "\n\n" + node.abstract;
      const spans = mentionSpans(id, text);
      const start = node.title.length + 2;
      parts = [
        el("h2", null, withMentions(text, 0, node.title.length, spans)),
        el("div", "kg-type", swatch(groupOf(id)), "Paper · " + links),
        el(
          "ul",
          "kg-facts",
          el("li", null, "Date: " + (node.date || "unknown")),
          el("li", null, "Authors: " + authorsText(node)),
          node.venue ? el("li", null, "Venue: " + node.venue + (node.year ? " " + node.year : "")) : null,
          node.links && node.links.length ? el("li", "kg-links", "Links: ", ...node.links.map(webLink)) : null,
        ),
        egoActions(id),
        node.abstract
          ? el("p", "kg-abstract", withMentions(text, start, start + node.abstract.length, spans))
          : el("p", "kg-none", "No abstract."),
      ];
      parts = parts.concat(section("What it proposes, uses, evaluates on…", outgoing.get(id), (e) => e.to, [], (r) => r));
      parts = parts.concat(section("Linked from", incoming.get(id), (e) => e.from, [], (r) => r));
    } else {
      parts = [el("h2", null, node.label), el("div", "kg-type", swatch(groupOf(id)), node.type + " · " + links)];
      if (node.aliases.length) {
        parts.push(el("ul", "kg-facts", el("li", null, "Also known as: " + node.aliases.join("; "))));
      }
      parts.push(egoActions(id));
      parts = parts.concat(papersOfEntity(id));
      const words = terms(id);
      const into = incoming.get(id);
      const out = outgoing.get(id);
      const fromPapers = into.filter((e) => isPaper(edgeInfo.get(e).from) && paperPasses(edgeInfo.get(e).from));
      const fromEntities = into.filter((e) => !isPaper(edgeInfo.get(e).from));
      parts = parts.concat(section("Papers", fromPapers, (e) => e.from, words, (r) => r + " it"));
      parts = parts.concat(section("Relations", out, (e) => e.to, words, (r) => r + " →"));
      parts = parts.concat(section("Related from", fromEntities, (e) => e.from, words, (r) => "← " + r));
      if (!into.length && !out.length) parts.push(el("p", "kg-none", "No links in this view."));
    }
    details.replaceChildren.apply(details, parts);
    details.setAttribute("data-node", id);
    details.scrollTop = 0;
  }

  // An entity's papers: a papers-per-year sparkline and a table sortable by title, year, venue
  // and role, both under the paper filter. The table stays open from one node to the next.
  let papersListOpen = false;
  function papersOfEntity(id) {
    const roles = new Map(); // paper id -> [relation]
    for (const edgeId of incoming.get(id)) {
      const edge = edgeInfo.get(edgeId);
      if (!isPaper(edge.from)) continue;
      if (!roles.has(edge.from)) roles.set(edge.from, []);
      roles.get(edge.from).push(edge.relation);
    }
    if (!roles.size) return [];
    const all = Array.from(roles.keys());
    const kept = all.filter(paperPasses);
    const parts = [];
    const spark = sparkline(kept);
    if (spark) parts.push(spark);
    const heading = "Papers by year (" + (kept.length === all.length ? kept.length : kept.length + " of " + all.length + ", filtered") + ")";
    const table = el("table", "kg-papers");
    const head = el("tr");
    const body = el("tbody");
    const columns = [
      ["title", "Title", (p) => nodeName(p).toLowerCase()],
      ["year", "Year", (p) => (Number.isInteger(info.get(p).year) ? info.get(p).year : -Infinity)],
      ["venue", "Venue", (p) => (info.get(p).venue || "").toLowerCase()],
      ["role", "Role", (p) => relationRank(roles.get(p).sort((a, b) => relationRank(a) - relationRank(b))[0])],
    ];
    let sortedBy = "year";
    let descending = true;
    function fill() {
      const key = columns.find((c) => c[0] === sortedBy)[2];
      const rows = kept.slice().sort(function (a, b) {
        const ka = key(a);
        const kb = key(b);
        const order = ka < kb ? -1 : ka > kb ? 1 : nodeName(a).localeCompare(nodeName(b));
        return descending && ka !== kb ? -order : order;
      });
      body.replaceChildren();
      for (const paper of rows) {
        const node = info.get(paper);
        const roleNames = Array.from(new Set(roles.get(paper))).map(relationName).join(", ");
        body.append(el("tr", null, el("td", null, nodeLink(paper)), el("td", null, Number.isInteger(node.year) ? String(node.year) : ""), el("td", null, node.venue || ""), el("td", null, roleNames)));
      }
      for (const th of head.children) {
        th.setAttribute("aria-sort", th.dataset.column === sortedBy ? (descending ? "descending" : "ascending") : "none");
      }
    }
    for (const [name, label] of columns) {
      const th = el("th", null, button(label, function () {
        descending = sortedBy === name ? !descending : name === "year";
        sortedBy = name;
        fill();
      }));
      th.dataset.column = name;
      head.append(th);
    }
    table.append(el("thead", null, head), body);
    fill();
    const list = el("details", "kg-papers-list", el("summary", null, heading), table);
    list.open = papersListOpen;
    list.addEventListener("toggle", () => (papersListOpen = list.open));
    parts.push(list);
    return parts;
  }

  // Papers per year as a small bar chart (SVG made element by element); null without years.
  function sparkline(paperIds) {
    if (years.length < 2) return null;
    const perYear = new Map();
    for (const paper of paperIds) {
      const year = info.get(paper).year;
      if (Number.isInteger(year)) perYear.set(year, (perYear.get(year) || 0) + 1);
    }
    if (!perYear.size) return null;
    const first = years[0];
    const span = years[years.length - 1] - first + 1;
    const most = Math.max.apply(null, Array.from(perYear.values()));
    const width = Math.max(4, Math.min(14, Math.floor(160 / span) - 2));
    const height = 28;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "kg-sparkline");
    svg.setAttribute("width", String(span * (width + 2)));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    const words = [];
    for (let i = 0; i < span; i++) {
      const n = perYear.get(first + i) || 0;
      words.push(first + i + ": " + n);
      const bar = document.createElementNS(ns, "rect");
      const h = n ? Math.max(2, Math.round((n / most) * height)) : 1;
      bar.setAttribute("x", String(i * (width + 2)));
      bar.setAttribute("y", String(height - h));
      bar.setAttribute("width", String(width));
      bar.setAttribute("height", String(h));
      bar.setAttribute("data-year", String(first + i));
      bar.setAttribute("data-papers", String(n));
      const tip = document.createElementNS(ns, "title");
      tip.textContent = first + i + ": " + plural(n, "paper");
      bar.append(tip);
      svg.append(bar);
    }
    svg.setAttribute("aria-label", "Papers per year, " + words.join(", "));
    return el("div", "kg-spark", el("span", "kg-spark-label", "Papers per year " + first + "–" + years[years.length - 1]), svg);
  }

  function showEdge(edgeId) {
    const edge = edgeInfo.get(edgeId);
    if (!edge) return;
    const parts = [
      el("h2", null, relationName(edge.relation)),
      el("p", null, nodeLink(edge.from), " → ", nodeLink(edge.to)),
      el("ul", "kg-facts", el("li", null, "Supported by " + plural(edge.weight, "paper"))),
    ];
    const evidence = evidenceList(edge.evidence, terms(edge.from).concat(terms(edge.to)));
    parts.push(evidence || el("p", "kg-none", "No evidence sentences."));
    details.replaceChildren.apply(details, parts);
    details.removeAttribute("data-node");
    details.scrollTop = 0;
  }

  // A node this partial page left out: what it is, and the command that draws its neighbourhood.
  function showLeftOut(id) {
    const node = elsewhere.get(id);
    const command = "kg explore " + (node.inView ? "" : "--full ") + "--focus " + JSON.stringify(node.label) + " -o neighbourhood.html";
    details.replaceChildren(
      el("h2", null, node.label),
      el("div", "kg-type", swatch(styles.has(node.type) ? node.type : "Other"), node.type + " · " + plural(node.degree, "link")),
      node.aliases.length ? el("ul", "kg-facts", el("li", null, "Also known as: " + node.aliases.join("; "))) : null,
      el("p", null, node.inView
        ? "This page shows the " + plural(raw.nodes.length, "node") + " with the most links of " +
          numbers.format(meta.nodes_total) + "; this one is not drawn. Its neighbourhood as a page of its own:"
        : "This page draws the entities that papers propose, use, are evaluated on or address, or that two " +
          "papers mention; this one is only mentioned in passing. Its neighbourhood as a page of its own:"),
      el("pre", "kg-command", command),
    );
    details.removeAttribute("data-node");
    setStatus(node.label + " is not drawn in this page.");
  }

  function focusNode(id) {
    if (elsewhere.has(id)) {
      showLeftOut(id);
      return;
    }
    if (!info.has(id)) return;
    reveal(id);
    network.selectNodes([id]);
    showNode(id);
    highlight(id);
    // a big graph (edges hidden while the view moves) jumps: each animation frame redraws it all
    network.focus(id, {
      scale: Math.max(1, network.getScale()),
      animation: raw.options.interaction.hideEdgesOnZoom ? false : { duration: 400, easingFunction: "easeInOutQuad" },
    });
  }

  // -- search: labels, aliases and paper titles, with suggestions --------------------------

  const names = []; // {name, lower, id, note}
  // Nodes a partial page leaves out: searchable, with a note on how to draw them.
  const elsewhere = new Map(); // id -> {type, label, aliases, degree, inView}
  for (const [id, type, label, aliases, degree, inView] of raw.elsewhere || []) {
    elsewhere.set(id, { type: type, label: label, aliases: aliases, degree: degree, inView: inView });
    const note = type + " · not in this page";
    names.push({ name: label, lower: label.toLowerCase(), id: id, note: note });
    for (const alias of aliases) names.push({ name: alias, lower: alias.toLowerCase(), id: id, note: note + " · alias of " + label });
  }
  for (const [id, node] of info) {
    const add = (name, note) => name && names.push({ name: name, lower: name.toLowerCase(), id: id, note: note });
    if (node.type === "Paper") {
      add(node.title, "Paper");
      if (node.label !== node.title) add(node.label, "Paper");
    } else {
      add(node.label, node.type);
      for (const alias of node.aliases) add(alias, node.type + " · alias of " + node.label);
    }
  }

  // How well a name matches: 0 the whole name, 1 a whole word at its start, 2 a whole word
  // later, 3 the start of its first word, 4 the start of a later word; -1 no word starts with it
  // ("PPO" is not found inside "Support").
  const NOT_WORD = /[^\p{L}\p{N}]/u;
  function matchScore(lower, q) {
    if (lower === q) return 0;
    let best = -1;
    for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, at + 1)) {
      if (at > 0 && !NOT_WORD.test(lower[at - 1])) continue;
      const after = lower[at + q.length];
      const score = (after === undefined || NOT_WORD.test(after) ? 1 : 3) + (at === 0 ? 0 : 1);
      if (best === -1 || score < best) best = score;
    }
    return best;
  }

  function degreeOf(id) {
    return (info.get(id) || elsewhere.get(id)).degree;
  }

  function suggest(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const best = new Map(); // id -> {entry, score}
    for (const entry of names) {
      const score = matchScore(entry.lower, q);
      if (score === -1) continue;
      const seen = best.get(entry.id);
      if (seen === undefined || score < seen.score) best.set(entry.id, { entry: entry, score: score });
    }
    return Array.from(best.values())
      .sort(function (a, b) {
        return a.score - b.score || degreeOf(b.entry.id) - degreeOf(a.entry.id) ||
          a.entry.name.length - b.entry.name.length || a.entry.name.localeCompare(b.entry.name);
      })
      .slice(0, SUGGESTIONS)
      .map((match) => match.entry);
  }

  const form = document.getElementById("kg-search");
  const input = document.getElementById("kg-search-input");
  const listbox = document.getElementById("kg-suggestions");
  let current = [];
  let active = -1;

  function closeSuggestions() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  // Served by `kg serve`: the server searches the whole graph, and a node not in this page opens
  // its own page. Its answers (JSON, read as data) follow this page's own suggestions.
  let remote = []; // suggestions from the server for remoteQuery
  let remoteQuery = "";
  let remoteTimer = null;

  function askServer() {
    if (!meta.served) return;
    clearTimeout(remoteTimer);
    const q = input.value.trim();
    if (q.length < 2) return;
    remoteTimer = setTimeout(function () {
      fetch("/explore/search?q=" + encodeURIComponent(q))
        .then((response) => (response.ok ? response.json() : []))
        .then(function (found) {
          if (input.value.trim() !== q) return;
          remoteQuery = q;
          remote = found.filter((f) => !info.has(f.id)).map((f) => ({
            name: String(f.name), lower: String(f.name).toLowerCase(), id: String(f.id), type: String(f.type),
            note: f.type + (f.type === "Paper" ? "" : " · " + plural(Number(f.papers) || 0, "paper")) +
              (f.alias ? " · alias of " + f.label : "") + " · opens its page",
          }));
          if (document.activeElement === input) renderSuggestions(true);
        })
        .catch(() => undefined);
    }, 120);
  }

  function openPage(id) {
    window.location.assign(id === null ? "/explore" : "/explore?node=" + encodeURIComponent(id));
  }

  function renderSuggestions(fromServer) {
    current = suggest(input.value);
    if (meta.served && input.value.trim() === remoteQuery) {
      const shown = new Set(current.map((entry) => entry.id));
      current = current.concat(remote.filter((entry) => !shown.has(entry.id))).slice(0, SUGGESTIONS);
    }
    if (fromServer !== true) askServer();
    active = current.length ? 0 : -1;
    const items = current.map(function (entry, i) {
      const type = entry.type || (info.get(entry.id) || elsewhere.get(entry.id)).type;
      const li = el("li", null, swatch(styles.has(type) ? type : "Other"), el("span", "kg-suggestion-name", entry.name), el("span", "kg-suggestion-note", entry.note));
      li.id = "kg-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("data-node", entry.id);
      li.addEventListener("pointerdown", function (event) {
        event.preventDefault(); // keep the focus in the input
        choose(entry);
      });
      return li;
    });
    listbox.replaceChildren.apply(listbox, items);
    listbox.hidden = !items.length;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    markActive();
  }

  function markActive() {
    current.forEach(function (_entry, i) {
      listbox.children[i].setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", "kg-suggestion-" + active);
      listbox.children[active].scrollIntoView({ block: "nearest" });
    }
  }

  function choose(entry) {
    input.value = entry.name;
    closeSuggestions();
    setStatus("");
    if (meta.served && !info.has(entry.id)) openPage(entry.id);
    else focusNode(entry.id);
  }

  input.addEventListener("input", renderSuggestions);
  input.addEventListener("focus", function () {
    if (input.value.trim()) renderSuggestions();
  });
  input.addEventListener("blur", closeSuggestions);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (listbox.hidden) renderSuggestions();
      if (!current.length) return;
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      markActive();
    } else if (event.key === "Escape") {
      closeSuggestions();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const matches = listbox.hidden ? suggest(input.value) : current;
    const entry = matches[active >= 0 && !listbox.hidden ? active : 0];
    if (entry === undefined) {
      setStatus(input.value.trim() ? "No node matches “" + input.value.trim() + "”." : "");
      closeSuggestions();
    } else {
      choose(entry);
    }
  });

  // -- start ----------------------------------------------------------------------------

  window.kgExplorer = {
    network: network,
    nodes: nodes,
    edges: edges,
    nodeView: nodeView,
    edgeView: edgeView,
    timings: timings,
    select: focusNode,
    suggest: (query) => suggest(query).map((entry) => entry.id),
    paperPasses: (id) => paperPasses(id),
    ego: enterEgo,
    showAll: showWholeGraph,
    overview: enterOverview,
    inOverview: () => state.overview !== null,
    unlabelled: () => Array.from(unlabelled),
    visibleNodeIds: () => nodeView.getIds(),
    visibleEdgeIds: () => edgeView.getIds(),
  };

  updateCounts();
  viewButtons();
  if (state.overview !== null) {
    showOverview();
    setStatus("Overview: the entities with the most papers of each type, grouped by the papers they share." +
      (meta.served ? "" : " “Whole graph” shows everything."));
  }
  network.once("afterDrawing", function () {
    timings.drawn = performance.now();
    if (meta.focus && info.has(meta.focus.id)) {
      enterEgo(meta.focus.id, meta.focus.depth, ready);
    } else {
      declutter();
      ready();
    }
  });
})();
