/*
 * The /network page: the one-mode partnership network drawn with Cytoscape.js
 * (served from the npm package under /vendor/cytoscape, never from a CDN).
 *
 * It reads /api/network?view=one-mode&evidence=false (node-link JSON without the
 * quotes, which the drawing does not show), draws organisations coloured by type and
 * links as thick as the number of bodies the two share; zoom and pan are
 * Cytoscape's own; a click on an organisation opens its page (a stated group or a
 * person, which have no page, shows its name below the drawing instead). A link held
 * on the day only by presumption (after its last evidence) is dashed, and a click on
 * it says "presumed — last evidenced DAY" and until when; the key explains both
 * lines. The filter form (a day, a type, evidenced on the day only) reloads the data;
 * the path form asks /api/paths (through the two-mode network: a hop per tie, so a
 * path may cross partnerships through a body they share, such as NHS England) and
 * highlights the organisations of the shortest connection and the links between
 * them; a path with no connection says what was searched. Anything that fails says
 * so in the status line.
 * Labels keep one size on screen and are placed only where they cover no other label
 * or node, best-linked first, so zooming in shows more of them.
 *
 * For tests: window.nhskgNetwork = {cy, ready}, where ready settles when the latest
 * drawing is done (resolves with cy; rejects with the error shown in the page).
 */
(function () {
  "use strict";

  var ids = {
    canvas: "network-canvas",
    status: "network-status",
    filters: "network-filters",
    asOf: "network-as-of",
    type: "network-type",
    evidencedOnly: "network-evidenced-only",
    pathForm: "network-path",
    pathFrom: "path-from",
    pathTo: "path-to",
    pathClear: "path-clear",
    names: "network-names",
    details: "network-details",
    legend: "network-legend",
    list: "network-list",
  };

  // The commonest types get fixed, distinct colours; the rest take the palette in turn.
  var TYPE_COLOURS = {
    ccg: "#1f77b4",
    "nhs-trust": "#d62728",
    "foundation-trust": "#ff7f0e",
    "acute-trust": "#e377c2",
    "ambulance-trust": "#8c564b",
    "mental-health-trust": "#bcbd22",
    stp: "#2ca02c",
    icb: "#17becf",
    "stated-group": "#a0a0a0",
  };
  var PALETTE = [
    "#9467bd", "#7f7f7f", "#aec7e8", "#98df8a", "#ffbb78", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939",
    "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
  ];
  var HIGHLIGHT = "#c05600";
  // Labels keep one size on screen whatever the zoom, and an organisation is labelled
  // only where its label does not overlap a better-linked one's: zooming in shows more.
  var FONT_PX = 12;
  var LABEL_WIDTH_PX = 140;
  var CHAR_PX = 6.6; // about the width of one character at FONT_PX
  var LINE_PX = 15;
  var MOST_FIT_ZOOM = 1.6; // fitting a short path never zooms in further than this

  function $(id) {
    return document.getElementById(id);
  }

  function say(text, isError) {
    var status = $(ids.status);
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  // Organisations (and curated bodies) have a page; stated groups and people do not.
  function pageOf(code) {
    if (!code || code.indexOf("/") !== -1) return null;
    return "/organisations/" + encodeURIComponent(code);
  }

  function shorten(text, most) {
    return text.length > most ? text.slice(0, most - 1) + "…" : text;
  }

  function edgeId(a, b) {
    return a < b ? "e|" + a + "|" + b : "e|" + b + "|" + a;
  }

  function colourMap(nodes) {
    var counts = {};
    nodes.forEach(function (n) {
      counts[n.type] = (counts[n.type] || 0) + 1;
    });
    var keys = Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || (a < b ? -1 : 1);
    });
    var colours = {};
    var next = 0;
    keys.forEach(function (key) {
      colours[key] = TYPE_COLOURS[key] || PALETTE[next++ % PALETTE.length];
    });
    return { colours: colours, counts: counts, order: keys };
  }

  function toElements(data, colours) {
    var degree = {};
    data.links.forEach(function (l) {
      degree[l.source] = (degree[l.source] || 0) + 1;
      degree[l.target] = (degree[l.target] || 0) + 1;
    });
    var nodes = data.nodes.map(function (n) {
      var d = degree[n.id] || 0;
      return {
        group: "nodes",
        data: {
          id: n.id,
          label: n.label || n.id,
          currentLabel: n.current_label || n.label || n.id,
          short: shorten(n.label || n.id, 38),
          code: n.code || "",
          type: n.type || "",
          typeLabel: n.type_label || "no type recorded",
          region: n.region || "",
          presumed: n.presumed === true,
          lastEvidenced: n.last_evidenced || "",
          href: pageOf(n.code),
          colour: colours[n.type || ""],
          degree: d,
          size: Math.round(12 + 4 * Math.sqrt(d)),
        },
      };
    });
    var edges = data.links.map(function (l) {
      var weight = Number(l.weight) || 1;
      return {
        group: "edges",
        data: {
          id: edgeId(l.source, l.target),
          source: l.source,
          target: l.target,
          weight: weight,
          width: Math.min(10, 1 + 2 * Math.log2(weight) + (weight > 1 ? 1 : 0)),
          shared: Array.isArray(l.shared) ? l.shared : [],
          relationship: l.relationship || "",
          sources: l.sources || "",
          presumed: l.presumed === true,
          lastEvidenced: l.last_evidenced || "",
          presumedUntil: l.presumed_until || "",
          endedBy: l.presumption_ended_by || "",
          from: l.from || "",
          until: l.until || "",
        },
      };
    });
    return nodes.concat(edges);
  }

  // The stylesheet at zoom z: labels keep FONT_PX on screen whatever the zoom.
  function styleAt(z) {
    var gap = 3 / z;
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          "border-color": "#ffffff",
          "border-width": 1.5,
          width: "data(size)",
          height: "data(size)",
          label: "",
          color: "#1b1b1b",
          "font-size": FONT_PX / z,
          "font-family": "system-ui, sans-serif",
          "text-valign": "bottom",
          "text-halign": "center",
          "text-margin-y": gap,
          "text-wrap": "wrap",
          "text-max-width": LABEL_WIDTH_PX / z,
          "text-outline-color": "#ffffff",
          "text-outline-width": 2 / z,
        },
      },
      {
        selector: "node.labelled, node.hover, node:selected, node.on-path",
        style: { label: "data(short)", "z-index": 5 },
      },
      { selector: "node.label-top", style: { "text-valign": "top", "text-margin-y": -gap } },
      {
        selector: "node.label-right",
        style: {
          "text-valign": "center",
          "text-halign": "right",
          "text-margin-y": 0,
          "text-margin-x": gap,
          "text-justification": "left",
        },
      },
      {
        selector: "node.label-left",
        style: {
          "text-valign": "center",
          "text-halign": "left",
          "text-margin-y": 0,
          "text-margin-x": -gap,
          "text-justification": "right",
        },
      },
      { selector: "node.hover", style: { "z-index": 20, "font-weight": "bold" } },
      {
        selector: "edge",
        style: {
          width: "data(width)",
          "line-color": "#9aa5b1",
          opacity: 0.65,
          "curve-style": "haystack",
        },
      },
      // Presumed: held on the day only after its last evidence.
      {
        selector: "edge[?presumed]",
        style: { "line-style": "dashed", "line-dash-pattern": [6 / z, 4 / z], "curve-style": "straight" },
      },
      {
        selector: "node[?presumed]",
        style: { "border-style": "dashed", "border-color": "#1b1b1b", "border-width": 2 },
      },
      { selector: "node:selected", style: { "border-color": "#1b1b1b", "border-width": 3 } },
      { selector: ".faded", style: { opacity: 0.12, "text-opacity": 0 } },
      {
        selector: "node.on-path",
        style: {
          "border-color": HIGHLIGHT,
          "border-width": 4,
          "font-weight": "bold",
          "z-index": 10,
        },
      },
      {
        selector: "edge.on-path",
        style: { "line-color": HIGHLIGHT, opacity: 1, width: 6, "z-index": 10 },
      },
    ];
  }

  function clear(element) {
    while (element && element.firstChild) element.removeChild(element.firstChild);
  }

  function renderLegend(palette) {
    var legend = $(ids.legend);
    if (!legend) return;
    clear(legend);
    var labels = {};
    cy.nodes().forEach(function (n) {
      labels[n.data("type")] = n.data("typeLabel");
    });
    palette.order.forEach(function (key) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = palette.colours[key];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(labels[key] + " (" + palette.counts[key] + ")"));
      legend.appendChild(item);
    });
  }

  // A text list of what is drawn: the same links to pages, for keyboards and readers.
  function renderList() {
    var list = $(ids.list);
    var names = $(ids.names);
    clear(list);
    clear(names);
    var nodes = cy.nodes().sort(function (a, b) {
      return a.data("label").localeCompare(b.data("label"));
    });
    nodes.forEach(function (n) {
      if (names) {
        var option = document.createElement("option");
        option.value = n.data("label");
        names.appendChild(option);
      }
      if (!list) return;
      var item = document.createElement("li");
      var href = n.data("href");
      var name = href ? document.createElement("a") : document.createElement("span");
      if (href) name.href = href;
      name.textContent = n.data("label");
      item.appendChild(name);
      if (n.data("currentLabel") !== n.data("label")) {
        // the name of the view's day; today's name beside it
        var now = document.createElement("span");
        now.className = "muted current-name";
        now.textContent = " (now " + n.data("currentLabel") + ")";
        item.appendChild(now);
      }
      var presumed = n.connectedEdges("[?presumed]").length;
      item.appendChild(
        document.createTextNode(
          " — " + n.data("typeLabel") + ", " + n.degree(false) + " link" +
            (n.degree(false) === 1 ? "" : "s") +
            (presumed ? " (" + presumed + " presumed)" : "") +
            (n.data("presumed") ? "; " + presumedText(n.data("lastEvidenced")) : "")
        )
      );
      list.appendChild(item);
    });
  }

  // "presumed — last evidenced 2018-01-31": how a presumed tie or body is described.
  function presumedText(lastEvidenced) {
    return "presumed — last evidenced " + (lastEvidenced || "on an unknown day");
  }

  function showDetails(parts) {
    var details = $(ids.details);
    if (!details) return;
    clear(details);
    parts.forEach(function (part) {
      var p = document.createElement("p");
      p.textContent = part;
      details.appendChild(p);
    });
  }

  function query() {
    var params = new URLSearchParams();
    var asOf = $(ids.asOf);
    var type = $(ids.type);
    var evidencedOnly = $(ids.evidencedOnly);
    if (asOf && asOf.value) params.set("as_of", asOf.value);
    if (type && type.value) params.set("type", type.value);
    if (evidencedOnly && evidencedOnly.checked) params.set("evidenced_only", "true");
    return params;
  }

  function describe(params) {
    var parts = [];
    if (params.get("as_of")) parts.push("on " + params.get("as_of"));
    var type = $(ids.type);
    if (params.get("type") && type) parts.push(type.options[type.selectedIndex].text);
    if (params.get("evidenced_only")) parts.push("evidenced on the day only");
    return parts.length ? " (" + parts.join(", ") + ")" : " (all dates, all types)";
  }

  // The API's own error message when it gave one, else the HTTP status.
  function failure(response) {
    return response
      .json()
      .then(
        function (body) {
          var error = (body && body.error) || {};
          var text = error.detail || error.title || "HTTP " + response.status;
          if (error.suggestions && error.suggestions.length) {
            text += "; did you mean: " + error.suggestions.join("; ");
          }
          return text;
        },
        function () {
          return "HTTP " + response.status + " " + response.statusText;
        }
      )
      .then(function (text) {
        throw new Error(text);
      });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.ok ? response.json() : failure(response);
    });
  }

  var styledZoom = null;
  function scaleLabels() {
    var z = cy.zoom();
    if (z === styledZoom) return;
    styledZoom = z;
    cy.style().fromJson(styleAt(z)).update();
  }

  var PLACES = ["bottom", "top", "right", "left"];

  // Where a label would sit on screen beside a node, for each place.
  function labelBox(n, place, z) {
    var text = n.data("short");
    var w = Math.min(LABEL_WIDTH_PX, text.length * CHAR_PX) + 6;
    var h = Math.ceil((text.length * CHAR_PX) / LABEL_WIDTH_PX) * LINE_PX;
    var at = n.renderedPosition();
    var r = (n.data("size") * z) / 2 + 3;
    if (place === "bottom") return { x1: at.x - w / 2, x2: at.x + w / 2, y1: at.y + r, y2: at.y + r + h };
    if (place === "top") return { x1: at.x - w / 2, x2: at.x + w / 2, y1: at.y - r - h, y2: at.y - r };
    if (place === "right") return { x1: at.x + r, x2: at.x + r + w, y1: at.y - h / 2, y2: at.y + h / 2 };
    return { x1: at.x - r - w, x2: at.x - r, y1: at.y - h / 2, y2: at.y + h / 2 };
  }

  function circleBox(n, z) {
    var at = n.renderedPosition();
    var r = (n.data("size") * z) / 2 + 2;
    return { x1: at.x - r, x2: at.x + r, y1: at.y - r, y2: at.y + r };
  }

  // Greedily label the organisations on a highlighted path first, then the
  // best-linked, each in the first place (below, above, right, left) whose box fits in
  // the drawing and covers no label already placed and no node drawn.
  function placeLabels() {
    var z = cy.zoom();
    var width = cy.width();
    var height = cy.height();
    var taken = cy.nodes(":visible").not(".faded").map(function (n) {
      return circleBox(n, z);
    });
    var order = cy.nodes().sort(function (a, b) {
      return (
        Number(b.hasClass("on-path")) - Number(a.hasClass("on-path")) ||
        b.data("degree") - a.data("degree") ||
        (a.id() < b.id() ? -1 : 1)
      );
    });
    function fits(box) {
      return (
        box.x1 >= 0 && box.x2 <= width && box.y1 >= 0 && box.y2 <= height &&
        taken.every(function (t) {
          return box.x2 < t.x1 || box.x1 > t.x2 || box.y2 < t.y1 || box.y1 > t.y2;
        })
      );
    }
    cy.batch(function () {
      order.forEach(function (n) {
        var chosen = null;
        n.removeClass("labelled label-top label-right label-left");
        if (n.hasClass("faded")) return;
        for (var i = 0; i < PLACES.length && !chosen; i++) {
          var box = labelBox(n, PLACES[i], z);
          if (fits(box)) {
            chosen = PLACES[i];
            taken.push(box);
          }
        }
        if (chosen) n.addClass("labelled" + (chosen === "bottom" ? "" : " label-" + chosen));
      });
    });
  }

  var pending = false;
  function relabel() {
    if (pending || !cy) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      scaleLabels();
      placeLabels();
    });
  }

  function fitTo(elements, padding) {
    cy.fit(elements, padding);
    if (cy.zoom() > MOST_FIT_ZOOM) {
      cy.zoom({ level: MOST_FIT_ZOOM, position: centre(elements) });
    }
  }

  function centre(elements) {
    var box = elements.boundingBox();
    return { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
  }

  function runLayout() {
    return new Promise(function (resolve) {
      var layout = cy.layout({
        name: "cose",
        animate: false,
        fit: true,
        padding: 24,
        nodeRepulsion: function () {
          return 8000;
        },
        idealEdgeLength: function () {
          return 50;
        },
        componentSpacing: 40,
        gravity: 1,
        numIter: 1500,
      });
      layout.one("layoutstop", function () {
        scaleLabels();
        placeLabels();
        resolve();
      });
      layout.run();
    });
  }

  function load() {
    var params = query();
    params.set("view", "one-mode");
    params.set("evidence", "false"); // the drawing shows no quotes: a far lighter answer
    say("Loading the network" + describe(params) + "…");
    var shown = new URLSearchParams(params);
    shown.delete("view");
    shown.delete("evidence");
    var search = shown.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    return getJson("/api/network?" + params.toString())
      .then(function (data) {
        var palette = colourMap(data.nodes);
        cy.elements().remove();
        cy.add(toElements(data, palette.colours));
        renderLegend(palette);
        renderList();
        showDetails([]);
        if (cy.nodes().length === 0) {
          say("No organisations are in this view" + describe(params) + ".");
          return cy;
        }
        return runLayout().then(function () {
          var presumed = cy.edges("[?presumed]").length;
          say(
            cy.nodes().length + " organisations and " + cy.edges().length + " links" +
              (presumed ? " (" + presumed + " presumed, dashed)" : "") + describe(params) +
              ". Click an organisation to open its page, a link to read it."
          );
          return cy;
        });
      })
      .catch(function (error) {
        say("Could not load the network: " + error.message, true);
        throw error;
      });
  }

  function clearPath() {
    cy.elements().removeClass("on-path faded");
    relabel();
  }

  function highlightPath(event) {
    event.preventDefault();
    var from = $(ids.pathFrom).value.trim();
    var to = $(ids.pathTo).value.trim();
    if (!from || !to) {
      say(
        "Give two organisations or partnerships (a code or a name) to find a path between them.",
        true
      );
      return;
    }
    var params = new URLSearchParams({ from: from, to: to });
    var asOf = $(ids.asOf);
    var evidencedOnly = $(ids.evidencedOnly);
    if (asOf && asOf.value) params.set("as_of", asOf.value);
    if (evidencedOnly && evidencedOnly.checked) params.set("evidenced_only", "true");
    say("Looking for a path between " + from + " and " + to + "…");
    getJson("/api/paths?" + params.toString())
      .then(function (answer) {
        clearPath();
        if (!answer.connected || !answer.paths.length) {
          say(answer.summary || "No connection between " + from + " and " + to + ".", true);
          return;
        }
        var onPath = cy.collection();
        var missing = 0;
        var lines = [];
        var first = answer.paths[0];
        var chain = [first[0].from_name].concat(
          first.map(function (hop) {
            return hop.to_name;
          })
        );
        answer.paths.forEach(function (path) {
          // The drawing is one-mode: a path's organisations are its nodes, and two
          // organisations either side of one body (or tied directly) its link.
          var organisations = [];
          var bodiesBetween = 0;
          var ends = [{ id: path[0].from, kind: path[0].from_kind || "organisation" }].concat(
            path.map(function (hop) {
              return { id: hop.to, kind: hop.to_kind || "organisation" };
            })
          );
          ends.forEach(function (end) {
            if (end.kind === "body") {
              bodiesBetween += 1;
              return;
            }
            var node = cy.getElementById(end.id);
            if (node.nonempty()) onPath = onPath.union(node);
            else missing += 1;
            var last = organisations[organisations.length - 1];
            if (last !== undefined && bodiesBetween <= 1) {
              var edge = cy.getElementById(edgeId(last, end.id));
              if (edge.nonempty()) onPath = onPath.union(edge);
              else if (bodiesBetween === 1) missing += 1;
            }
            organisations.push(end.id);
            bodiesBetween = 0;
          });
          path.forEach(function (hop) {
            var quotes = (hop.evidence || []).filter(function (item) {
              return item.quote;
            });
            lines.push(
              hop.from_name + " — " + hop.to_name + ": through " +
                (hop.through || []).join("; ") + " (" + hop.relationship + ")" +
                (hop.presumed ? "; " + presumedText(hop.last_evidenced) : "") +
                quotes.slice(0, 2).map(function (item) {
                  return "; " + item.source + ": “" + item.quote + "”";
                }).join("") +
                (quotes.length > 2 ? "; and " + (quotes.length - 2) + " more quote(s)" : "")
            );
          });
        });
        cy.elements().difference(onPath).addClass("faded");
        onPath.addClass("on-path");
        if (onPath.nonempty()) fitTo(onPath, 80);
        relabel();
        say(
          "Shortest connection, " + answer.hops + " hop" + (answer.hops === 1 ? "" : "s") +
            ": " + chain.join(" → ") +
            (missing ? " (part of it is outside this view: change its filters)." : ".")
        );
        showDetails(lines);
      })
      .catch(function (error) {
        say("Could not find a path: " + error.message, true);
      });
  }

  function nodeTapped(event) {
    var node = event.target;
    var href = node.data("href");
    if (href) {
      window.location.assign(href);
      return;
    }
    showDetails([
      node.data("label") + " (" + node.data("typeLabel") + ") has no page of its own; it is " +
        "linked to " + node.degree(false) + " organisation(s)" +
        (node.data("presumed") ? "; " + presumedText(node.data("lastEvidenced")) : "") + ".",
    ]);
  }

  // What ended a presumption, readably: "change/2020-04-01/RC9" is the reference
  // data's change of that day (RC9 the organisation it made or kept).
  function endedByText(endedBy) {
    return endedBy
      .split("; ")
      .map(function (id) {
        var parts = id.split("/");
        if (parts[0] === "change" && parts.length === 3) {
          return "the change of " + parts[1] + " (" + parts[2] + ")";
        }
        return id;
      })
      .join("; ");
  }

  // When a link holds: its evidence, and past it what is presumed and what ended it.
  function periodText(edge) {
    var d = edge.data();
    var text = d.presumed
      ? "This link is " + presumedText(d.lastEvidenced) + "; held"
      : d.lastEvidenced
        ? "Last evidenced " + d.lastEvidenced + "; held"
        : "Held";
    text += " from " + (d.from || "an unknown day") + " ";
    text += d.until ? "until " + d.until : "with nothing known to end it";
    if (d.endedBy) text += ", ended by " + endedByText(d.endedBy);
    return text + ".";
  }

  function edgeTapped(event) {
    var edge = event.target;
    var parts = [
      edge.source().data("label") + " — " + edge.target().data("label") + ": share " +
        edge.data("shared").join("; ") + " (" + edge.data("relationship") + ").",
      periodText(edge),
    ];
    if (edge.data("sources")) parts.push("Sources: " + edge.data("sources"));
    showDetails(parts);
  }

  function fromAddress() {
    var params = new URLSearchParams(location.search);
    var asOf = $(ids.asOf);
    var type = $(ids.type);
    var evidencedOnly = $(ids.evidencedOnly);
    if (asOf && params.get("as_of")) asOf.value = params.get("as_of");
    if (type && params.get("type")) type.value = params.get("type");
    if (evidencedOnly) evidencedOnly.checked = params.get("evidenced_only") === "true";
  }

  var cy = null;
  var ready;
  var container = $(ids.canvas);
  if (!container) {
    ready = Promise.reject(new Error("no #" + ids.canvas + " on this page"));
  } else if (typeof window.cytoscape !== "function") {
    say("The network viewer (Cytoscape.js) did not load; run `make setup` to install it.", true);
    ready = Promise.reject(new Error("cytoscape is not loaded"));
  } else {
    cy = window.cytoscape({
      container: container,
      style: styleAt(1),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
    });
    cy.on("tap", "node", nodeTapped);
    cy.on("tap", "edge", edgeTapped);
    cy.on("mouseover", "node", function (event) {
      event.target.addClass("hover");
      container.style.cursor = event.target.data("href") ? "pointer" : "default";
    });
    cy.on("mouseout", "node", function (event) {
      event.target.removeClass("hover");
      container.style.cursor = "";
    });
    cy.on("viewport resize", relabel);
    fromAddress();
    var filters = $(ids.filters);
    if (filters) {
      filters.addEventListener("submit", function (event) {
        event.preventDefault();
        window.nhskgNetwork.ready = load();
        window.nhskgNetwork.ready.catch(function () {});
      });
    }
    var pathForm = $(ids.pathForm);
    if (pathForm) pathForm.addEventListener("submit", highlightPath);
    var clearButton = $(ids.pathClear);
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        clearPath();
        showDetails([]);
        if (cy.nodes().nonempty()) cy.fit(undefined, 24);
        say(cy.nodes().length + " organisations and " + cy.edges().length + " links.");
      });
    }
    ready = load();
  }
  ready.catch(function () {});
  window.nhskgNetwork = { cy: cy, ready: ready };
})();
