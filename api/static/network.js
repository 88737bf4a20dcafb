/*
 * The /network page: the one-mode partnership network drawn with Cytoscape.js
 * (served from the npm package under /vendor/cytoscape, never from a CDN).
 *
 * Every choice is in the address and read back from it, so a view can be shared and
 * reloaded: partnership, focus and hops (one organisation and those within so many
 * links), type, as_of, evidenced_only, groups and isolates (show stated groups and
 * organisations with no link, both left out unless ticked), changes (the reference
 * data's mergers and successions as ties), contracts (in a partnership's view, its
 * members' contracts) and from/to (a path).
 * A change of a list, a box or the day redraws at once (a typed name on "Show"), and
 * history.replaceState keeps the address in step.
 *
 * It reads /api/network?view=one-mode&evidence=false&positions=true (node-link JSON
 * without the quotes, each node placed by the server's seeded layout, so the same view
 * is always the same picture) and colours each organisation by the fixed colour of its
 * type from /api/network/palette (the colours `nhskg network draw` uses); the key
 * lists the types drawn. Links are as thick as the number of bodies the two share; a
 * link held on the day only by presumption (after its last evidence) is dashed. A click
 * on an organisation opens its page; a click on a link asks /api/network/link for the
 * bodies the two share, each tie and its evidence (the quote linked to its passage,
 * with the document's title and date; the reference dataset; the reasoning). The path
 * form asks /api/paths within the view's day, types, partnership and groups and
 * highlights the shortest connection; with none, it says so, why, and offers to widen
 * the view. Anything that fails says so in the status line.
 * Labels keep one size on screen and are placed only where they cover no other label
 * or node, best-linked first, so zooming in shows more of them.
 *
 * For tests: window.nhskgNetwork = {cy, ready, details}: ready settles when the latest
 * drawing is done (resolves with cy; rejects with the error shown in the page), details
 * when the latest link or path asked for is shown.
 */
(function () {
  "use strict";

  var ids = {
    canvas: "network-canvas",
    status: "network-status",
    filters: "network-filters",
    pathForm: "network-path",
    pathFrom: "path-from",
    pathTo: "path-to",
    pathClear: "path-clear",
    names: "network-names",
    details: "network-details",
    legend: "network-legend",
    list: "network-list",
    links: "network-links",
    download: "network-download",
    view: "network-view",
  };
  // The view's controls, by the name each has in the address.
  var CONTROLS = {
    partnership: { id: "network-partnership", typed: true },
    focus: { id: "network-focus", typed: true },
    hops: { id: "network-hops", fallback: "1" },
    type: { id: "network-type" },
    as_of: { id: "network-as-of" },
    evidenced_only: { id: "network-evidenced-only", tick: true },
    groups: { id: "network-groups", tick: true },
    isolates: { id: "network-isolates", tick: true },
    changes: { id: "network-changes", tick: true },
    contracts: { id: "network-contracts", tick: true },
  };
  var HIGHLIGHT = "#c05600";
  // Labels keep one size on screen whatever the zoom, and an organisation is labelled
  // only where its label does not overlap a better-linked one's: zooming in shows more.
  var FONT_PX = 12;
  var LABEL_WIDTH_PX = 140;
  var CHAR_PX = 6.6; // about the width of one character at FONT_PX
  var LINE_PX = 15;
  var MOST_FIT_ZOOM = 1.6; // fitting a short path never zooms in further than this
  var EVIDENCE_SHOWN = 2; // pieces of evidence shown for a tie; the rest a click away

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

  // An element with text, and children appended (strings become text).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function link(href, text) {
    return href ? el("a", { href: href }, [text]) : el("span", {}, [text]);
  }

  // ---- the address and the controls ------------------------------------------------

  function control(key) {
    return $(CONTROLS[key].id);
  }

  function valueOf(key) {
    var input = control(key);
    if (!input) return "";
    if (CONTROLS[key].tick) return input.checked ? "true" : "";
    return input.value.trim();
  }

  function setValue(key, value) {
    var input = control(key);
    if (!input) return;
    if (CONTROLS[key].tick) input.checked = value === "true";
    else input.value = value || CONTROLS[key].fallback || "";
  }

  // The view as the address says it: only what differs from the defaults.
  function viewParams() {
    var params = new URLSearchParams();
    Object.keys(CONTROLS).forEach(function (key) {
      var value = valueOf(key);
      if (!value || value === CONTROLS[key].fallback) return;
      if (key === "hops" && !valueOf("focus")) return;
      params.set(key, value);
    });
    return params;
  }

  var path = null; // {from, to} while a path is asked for

  function writeAddress() {
    var params = viewParams();
    if (path) {
      params.set("from", path.from);
      params.set("to", path.to);
    }
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function fromAddress() {
    var params = new URLSearchParams(location.search);
    Object.keys(CONTROLS).forEach(function (key) {
      setValue(key, params.get(key) || "");
    });
    if (params.get("from") && params.get("to")) {
      path = { from: params.get("from"), to: params.get("to") };
      $(ids.pathFrom).value = path.from;
      $(ids.pathTo).value = path.to;
    }
  }

  // What the API is asked for the view: the page leaves groups and isolates out unless
  // ticked, where the API keeps them unless told.
  function filterParams(params) {
    var api = new URLSearchParams(params);
    if (!api.get("groups")) api.set("groups", "false");
    if (!api.get("isolates")) api.set("isolates", "false");
    return api;
  }

  function describe(params, named) {
    var parts = [];
    named = named || {};
    if (params.get("partnership")) {
      parts.push("in " + (named.partnership ? named.partnership.label : params.get("partnership")));
    }
    if (params.get("focus")) {
      var hops = params.get("hops") || "1";
      parts.push(
        "around " + (named.focus ? named.focus.label : params.get("focus")) + " within " + hops +
          " link" + (hops === "1" ? "" : "s")
      );
    }
    parts.push(params.get("as_of") ? "on " + params.get("as_of") : "all dates");
    var type = control("type");
    if (params.get("type") && type) parts.push(type.options[type.selectedIndex].text);
    if (params.get("evidenced_only")) parts.push("evidenced on the day only");
    if (params.get("changes")) parts.push("with mergers and successions");
    if (params.get("contracts") && params.get("partnership")) parts.push("with its members' contracts");
    return " (" + parts.join(", ") + ")";
  }

  // ---- fetching ------------------------------------------------------------------

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
          return { text: text, title: error.title || "" };
        },
        function () {
          return { text: "HTTP " + response.status + " " + response.statusText, title: "" };
        }
      )
      .then(function (found) {
        var error = new Error(found.text);
        error.title = found.title;
        error.status = response.status;
        throw error;
      });
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.ok ? response.json() : failure(response);
    });
  }

  var palette = null;
  function paletteOnce() {
    if (!palette) {
      palette = getJson("/api/network/palette").then(function (served) {
        var colours = {};
        served.types.forEach(function (t) {
          colours[t.key] = t.colour;
        });
        return {
          colours: colours,
          order: served.types.map(function (t) {
            return t.key;
          }),
          other: served.other,
        };
      });
    }
    return palette;
  }

  // ---- drawing -------------------------------------------------------------------

  function toElements(data, colours) {
    var degree = {};
    data.links.forEach(function (l) {
      degree[l.source] = (degree[l.source] || 0) + (Number(l.weight) || 1);
      degree[l.target] = (degree[l.target] || 0) + (Number(l.weight) || 1);
    });
    var nodes = data.nodes.map(function (n) {
      var d = degree[n.id] || 0;
      return {
        group: "nodes",
        position: { x: Number(n.x) || 0, y: Number(n.y) || 0 },
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
          colour: colours.colours[n.type || ""] || colours.other,
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
      { selector: "edge.hover, edge:selected", style: { "line-color": "#1b1b1b", opacity: 1 } },
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

  function clear(element) {
    while (element && element.firstChild) element.removeChild(element.firstChild);
  }

  // The key: each type drawn, in the palette's order, with its fixed colour.
  function renderLegend(colours) {
    var legend = $(ids.legend);
    if (!legend) return;
    clear(legend);
    var labels = {};
    var counts = {};
    cy.nodes().forEach(function (n) {
      labels[n.data("type")] = n.data("typeLabel");
      counts[n.data("type")] = (counts[n.data("type")] || 0) + 1;
    });
    var rank = function (key) {
      var at = colours.order.indexOf(key);
      return at === -1 ? colours.order.length : at;
    };
    Object.keys(counts)
      .sort(function (a, b) {
        return rank(a) - rank(b) || (a < b ? -1 : 1);
      })
      .forEach(function (key) {
        var swatch = el("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.backgroundColor = colours.colours[key] || colours.other;
        legend.appendChild(el("li", { "data-type": key }, [swatch, labels[key] + " (" + counts[key] + ")"]));
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
      if (names) names.appendChild(el("option", { value: n.data("label") }));
      if (!list) return;
      var item = el("li", {}, [link(n.data("href"), n.data("label"))]);
      if (n.data("currentLabel") !== n.data("label")) {
        // the name of the view's day; today's name beside it
        item.appendChild(el("span", { class: "muted current-name" }, [" (now " + n.data("currentLabel") + ")"]));
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

  // Every link drawn as a button that reads its evidence: for keyboards, readers and
  // fingers too broad for a thin line.
  function renderLinks() {
    var list = $(ids.links);
    if (!list) return;
    clear(list);
    cy.edges()
      .sort(function (a, b) {
        return (
          b.data("weight") - a.data("weight") ||
          a.source().data("label").localeCompare(b.source().data("label")) ||
          a.target().data("label").localeCompare(b.target().data("label"))
        );
      })
      .forEach(function (edge) {
        var button = el("button", { type: "button", class: "link-button" }, [
          edge.source().data("label") + " — " + edge.target().data("label"),
        ]);
        button.addEventListener("click", function () {
          showLink(edge);
          var details = $(ids.details);
          if (details) details.scrollIntoView({ block: "start" });
        });
        var shared = edge.data("weight");
        list.appendChild(
          el("li", {}, [
            button,
            " " + shared + " shared bod" + (shared === 1 ? "y" : "ies") +
              (edge.data("presumed") ? ", presumed" : ""),
          ])
        );
      });
  }

  // "presumed — last evidenced 2018-01-31": how a presumed tie or body is described.
  function presumedText(lastEvidenced) {
    return "presumed — last evidenced " + (lastEvidenced || "on an unknown day");
  }

  function showDetails(children) {
    var details = $(ids.details);
    if (!details) return;
    clear(details);
    children.forEach(function (child) {
      details.appendChild(typeof child === "string" ? el("p", {}, [child]) : child);
    });
  }

  // The downloads give the view drawn, not the whole network.
  function updateDownloads(params) {
    var box = $(ids.download);
    if (!box) return;
    var search = filterParams(params).toString();
    box.querySelectorAll("a[href^='/api/network']").forEach(function (a) {
      a.href = a.getAttribute("href").split("?")[0] + (search ? "?" + search : "");
    });
  }

  // Whose network this is, with a way back to its page.
  function showWhose(named) {
    var line = $(ids.view);
    if (!line) return;
    clear(line);
    var partnership = (named || {}).partnership;
    line.hidden = !partnership;
    if (!partnership) return;
    line.appendChild(document.createTextNode("The network of the partnership "));
    line.appendChild(link("/partnerships/" + encodeURIComponent(partnership.id), partnership.label));
    line.appendChild(
      document.createTextNode(
        ": its organisations and the bodies they share. Empty the partnership box for the whole network."
      )
    );
  }

  function whatIsHidden(hidden) {
    var parts = [];
    if (hidden.groups) {
      parts.push(hidden.groups + " stated group" + (hidden.groups === 1 ? "" : "s"));
    }
    if (hidden.isolates) {
      parts.push(hidden.isolates + " organisation" + (hidden.isolates === 1 ? "" : "s") + " with no link");
    }
    return parts.length ? " Not drawn: " + parts.join(" and ") + " (tick the boxes above to show them)." : "";
  }

  function load() {
    var params = viewParams();
    writeAddress();
    updateDownloads(params);
    var api = filterParams(params);
    api.set("view", "one-mode");
    api.set("evidence", "false"); // the drawing shows no quotes: a far lighter answer
    api.set("positions", "true"); // the server's seeded layout: the same picture each time
    say("Loading the network" + describe(params) + "…");
    return Promise.all([paletteOnce(), getJson("/api/network?" + api.toString())])
      .then(function (answers) {
        var colours = answers[0];
        var data = answers[1];
        var graph = data.graph || {};
        cy.elements().remove();
        cy.add(toElements(data, colours));
        renderLegend(colours);
        renderList();
        renderLinks();
        showDetails([]);
        var hidden = whatIsHidden(graph.hidden || {});
        showWhose(graph.named);
        if (cy.nodes().length === 0) {
          say("No organisations are in this view" + describe(params, graph.named) + "." + hidden);
          return cy;
        }
        return draw().then(function () {
          var presumed = cy.edges("[?presumed]").length;
          say(
            cy.nodes().length + " organisations and " + cy.edges().length + " links" +
              (presumed ? " (" + presumed + " presumed, dashed)" : "") +
              describe(params, graph.named) + "." + hidden +
              " Click an organisation to open its page, a link to read its evidence."
          );
          return path ? runPath().then(function () { return cy; }) : cy;
        });
      })
      .catch(function (error) {
        say("Could not load the network: " + error.message, true);
        throw error;
      });
  }

  function draw() {
    return new Promise(function (resolve) {
      var layout = cy.layout({ name: "preset", fit: true, padding: 24, animate: false });
      layout.one("layoutstop", function () {
        scaleLabels();
        placeLabels();
        resolve();
      });
      layout.run();
    });
  }

  // ---- a link's evidence -----------------------------------------------------------

  function evidenceItem(piece) {
    if (piece.kind === "quote") {
      return el("li", { class: "quote" }, [
        el("a", { href: piece.href }, [el("q", {}, [piece.quote])]),
        el("span", { class: "muted" }, [
          " — " + (piece.title || piece.source) + (piece.date ? ", " + piece.date : ""),
        ]),
      ]);
    }
    if (piece.kind === "dataset") {
      return el("li", { class: "dataset" }, [
        "Reference data: ",
        link(piece.href, piece.title || piece.source),
        piece.date ? " (" + piece.date + ")" : null,
      ]);
    }
    return el("li", { class: "reasoning" }, ["Reasoning: " + piece.quote]);
  }

  function evidenceList(pieces) {
    if (!pieces.length) return el("p", { class: "muted" }, ["No evidence recorded for this tie."]);
    var first = el("ul", { class: "evidence" }, pieces.slice(0, EVIDENCE_SHOWN).map(evidenceItem));
    if (pieces.length <= EVIDENCE_SHOWN) return first;
    var rest = pieces.length - EVIDENCE_SHOWN;
    return el("div", {}, [
      first,
      el("details", {}, [
        el("summary", {}, [rest + " more piece" + (rest === 1 ? "" : "s") + " of evidence"]),
        el("ul", { class: "evidence" }, pieces.slice(EVIDENCE_SHOWN).map(evidenceItem)),
      ]),
    ]);
  }

  function tieText(tie) {
    return (
      tie.org_label + ": " + tie.relationship + " (" + tie.basis + "), from " + (tie.from || "an unknown day") +
      (tie.until ? " until " + tie.until : "") +
      (tie.presumed ? "; " + presumedText(tie.last_evidenced) : "")
    );
  }

  function renderLink(answer, edge) {
    var parts = [
      el("h2", {}, [
        link(answer.source.href, answer.source.label), " and ", link(answer.target.href, answer.target.label),
      ]),
      el("p", {}, [
        "Share " + answer.shared.length + " bod" + (answer.shared.length === 1 ? "y" : "ies") +
          " (" + answer.relationship + "). " + periodText(edge),
      ]),
    ];
    answer.shared.forEach(function (body) {
      parts.push(el("h3", {}, [link(body.href, body.label), body.type_label ? " (" + body.type_label + ")" : null]));
      var ties = el("ul", { class: "ties" });
      body.ties.forEach(function (tie) {
        ties.appendChild(el("li", {}, [tieText(tie), evidenceList(tie.evidence)]));
      });
      parts.push(ties);
    });
    showDetails(parts);
  }

  function edgeTapped(event) {
    showLink(event.target);
  }

  function showLink(edge) {
    var params = filterParams(viewParams());
    params.delete("focus");
    params.delete("hops");
    params.delete("isolates");
    params.set("source", edge.source().id());
    params.set("target", edge.target().id());
    showDetails([
      edge.source().data("label") + " — " + edge.target().data("label") + ": reading the evidence…",
    ]);
    track(
      getJson("/api/network/link?" + params.toString())
        .then(function (answer) {
          renderLink(answer, edge);
        })
        .catch(function (error) {
          showDetails(["Could not read this link's evidence: " + error.message]);
        })
    );
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

  function track(promise) {
    window.nhskgNetwork.details = promise;
    return promise;
  }

  // ---- paths ---------------------------------------------------------------------

  function clearPath() {
    cy.elements().removeClass("on-path faded");
    relabel();
  }

  // What limits the view, each with how to lift it: offered when no path is found.
  var WIDER = [
    { key: "as_of", text: "all dates", when: function (v) { return v; } },
    { key: "evidenced_only", text: "count presumed ties", when: function (v) { return v; } },
    { key: "type", text: "all types", when: function (v) { return v; } },
    { key: "partnership", text: "the whole network", when: function (v) { return v; } },
    { key: "groups", text: "through stated groups too", lift: "true", when: function (v) { return !v; } },
    { key: "changes", text: "through mergers and successions too", lift: "true", when: function (v) { return !v; } },
  ];

  function noConnection(message) {
    var from = path.from;
    var to = path.to;
    var params = viewParams();
    var limits = WIDER.filter(function (w) {
      return w.when(params.get(w.key));
    });
    say("No connection between " + from + " and " + to + describe(params) + ".", true);
    var parts = [
      el("h2", {}, ["No connection between " + from + " and " + to]),
      el("p", {}, [
        "They are not linked, directly or through other organisations and bodies, in this view" +
          describe(params) + (params.get("groups") ? "" : ", stated groups left out") + ": " + message,
      ]),
    ];
    if (limits.length) {
      var buttons = el("p", { class: "widen" }, ["Widen the view: "]);
      limits.forEach(function (w) {
        var button = el("button", { type: "button" }, [w.text]);
        button.addEventListener("click", function () {
          setValue(w.key, w.lift || "");
          reload();
        });
        buttons.appendChild(button);
        buttons.appendChild(document.createTextNode(" "));
      });
      parts.push(buttons);
    } else {
      parts.push(el("p", {}, ["This is the widest view: no document or dataset links them."]));
    }
    showDetails(parts);
  }

  function pathParams() {
    var params = filterParams(viewParams());
    ["focus", "hops", "isolates"].forEach(function (key) {
      params.delete(key);
    });
    params.set("from", path.from);
    params.set("to", path.to);
    return params;
  }

  function runPath() {
    say("Looking for a path between " + path.from + " and " + path.to + "…");
    return track(
      getJson("/api/paths?" + pathParams().toString())
        .then(function (answer) {
          clearPath();
          if (!answer.connected || !answer.paths.length) {
            noConnection(answer.searched || answer.summary || "");
            return;
          }
          showPath(answer);
        })
        .catch(function (error) {
          clearPath();
          if (error.title === "not in this network view") noConnection(error.message);
          else say("Could not find a path: " + error.message, true);
        })
    );
  }

  function showPath(answer) {
    var onPath = cy.collection();
    var missing = 0;
    var hops = el("ol", { class: "hops" });
    var first = answer.paths[0];
    var chain = [first[0].from_name].concat(
      first.map(function (hop) {
        return hop.to_name;
      })
    );
    answer.paths.forEach(function (steps) {
      // The drawing is one-mode: a path's organisations are its nodes, and two
      // organisations either side of one body (or tied directly) its link.
      var organisations = [];
      var bodiesBetween = 0;
      var ends = [{ id: steps[0].from, kind: steps[0].from_kind || "organisation" }].concat(
        steps.map(function (hop) {
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
      steps.forEach(function (hop) {
        var quotes = (hop.evidence || []).filter(function (item) {
          return item.quote;
        });
        var item = el("li", {}, [
          hop.from_name + " — " + hop.to_name + ": " + hop.relationship +
            ((hop.through || []).length ? " (through " + hop.through.join("; ") + ")" : "") +
            (hop.presumed ? "; " + presumedText(hop.last_evidenced) : ""),
        ]);
        if (quotes.length) {
          item.appendChild(
            el(
              "ul",
              { class: "evidence" },
              quotes.slice(0, EVIDENCE_SHOWN).map(function (q) {
                if (q.source === "reasoning") {
                  return el("li", { class: "reasoning" }, ["Reasoning: " + q.quote]);
                }
                // a document's words, else a dataset's row (its source the dataset's id)
                var page = /\.txt$/.test(q.source) ? "/documents/" : "/id/dataset/";
                return el("li", { class: "quote" }, [
                  el("q", {}, [q.quote]),
                  " — ",
                  link(page + encodeURIComponent(q.source), q.title || q.source),
                ]);
              })
            )
          );
        }
        hops.appendChild(item);
      });
    });
    cy.elements().difference(onPath).addClass("faded");
    onPath.addClass("on-path");
    if (onPath.nonempty()) fitTo(onPath, 80);
    relabel();
    var summary =
      "Shortest connection, " + answer.hops + " hop" + (answer.hops === 1 ? "" : "s") + ": " +
      chain.join(" → ") + (missing ? " (part of it is outside this drawing: change its filters)." : ".");
    say(summary);
    showDetails([el("h2", {}, ["Path from " + path.from + " to " + path.to]), summary, hops]);
  }

  function askPath(event) {
    event.preventDefault();
    var from = $(ids.pathFrom).value.trim();
    var to = $(ids.pathTo).value.trim();
    if (!from || !to) {
      say("Give two organisations or partnerships (a code or a name) to find a path between them.", true);
      return;
    }
    path = { from: from, to: to };
    writeAddress();
    runPath();
  }

  function reload() {
    window.nhskgNetwork.ready = load();
    window.nhskgNetwork.ready.catch(function () {});
    return window.nhskgNetwork.ready;
  }

  // ---- start -----------------------------------------------------------------------

  var cy = null;
  var ready;
  var container = $(ids.canvas);
  window.nhskgNetwork = { cy: null, ready: null, details: Promise.resolve() };
  if (!container) {
    ready = Promise.reject(new Error("no #" + ids.canvas + " on this page"));
  } else if (typeof window.cytoscape !== "function") {
    say("The network viewer (Cytoscape.js) did not load; run `make setup` to install it.", true);
    ready = Promise.reject(new Error("cytoscape is not loaded"));
  } else {
    cy = window.cytoscape({
      container: container,
      style: styleAt(1),
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
    });
    window.nhskgNetwork.cy = cy;
    cy.on("tap", "node", nodeTapped);
    cy.on("tap", "edge", edgeTapped);
    cy.on("mouseover", "node, edge", function (event) {
      event.target.addClass("hover");
      container.style.cursor = event.target.isEdge() || event.target.data("href") ? "pointer" : "default";
    });
    cy.on("mouseout", "node, edge", function (event) {
      event.target.removeClass("hover");
      container.style.cursor = "";
    });
    cy.on("viewport resize", relabel);
    fromAddress();
    var filters = $(ids.filters);
    if (filters) {
      filters.addEventListener("submit", function (event) {
        event.preventDefault();
        reload();
      });
      // A list, a box or the day redraws at once; a typed name waits for "Show".
      filters.addEventListener("change", function (event) {
        var key = event.target.name;
        if (CONTROLS[key] && !CONTROLS[key].typed) reload();
      });
    }
    var pathForm = $(ids.pathForm);
    if (pathForm) pathForm.addEventListener("submit", askPath);
    var clearButton = $(ids.pathClear);
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        path = null;
        writeAddress();
        clearPath();
        showDetails([]);
        if (cy.nodes().nonempty()) cy.fit(undefined, 24);
        say(cy.nodes().length + " organisations and " + cy.edges().length + " links.");
      });
    }
    ready = load();
  }
  ready.catch(function () {});
  window.nhskgNetwork.ready = ready;
})();
