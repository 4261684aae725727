/* The query editor on /sparql: YASGUI (served from this origin) in place of the plain form.
 *
 * Everything it needs comes from the page's JSON block #editor-config: the page's language, the graph's
 * base IRI, its prefixes, properties and classes (for completion: nothing is fetched from elsewhere, the
 * completers that would ask prefix.cc or LOV are replaced), the saved queries and the query to show.
 * Queries go to this origin's /sparql with an Accept header for SPARQL results or Turtle. Without this
 * script (or without YASGUI installed) the page's plain form works as it is.
 */
(function () {
  "use strict";
  var block = document.getElementById("editor-config");
  if (!block || !window.Yasgui) { return; }
  var cfg = JSON.parse(block.textContent);
  var nl = cfg.lang === "nl";
  var wordsBlock = document.getElementById("editor-words");
  var WORDS = wordsBlock ? JSON.parse(wordsBlock.textContent) : { page: {}, yasgui: {}, table: {} };
  var T = WORDS.page;
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  var Yasqe = window.Yasgui.Yasqe;
  var Yasr = window.Yasgui.Yasr;
  var endpoint = window.location.origin + "/sparql";

  // -- completion from the graph itself --------------------------------------------------------------
  var prefixLines = Object.keys(cfg.prefixes).map(function (p) { return p + ": <" + cfg.prefixes[p] + ">"; });
  Yasqe.forkAutocompleter("prefixes", { name: "prefixes-local", persistenceId: null, bulk: true,
    get: function () { return prefixLines; } });
  Yasqe.forkAutocompleter("property", { name: "property-local", persistenceId: null, bulk: true,
    get: function () { return cfg.properties; } });
  Yasqe.forkAutocompleter("class", { name: "class-local", persistenceId: null, bulk: true,
    get: function () { return cfg.classes; } });
  Yasqe.defaults.autocompleters = ["prefixes-local", "variables", "property-local", "class-local"];

  // -- labels: an answer's IRIs by their names in the page's language ------------------------------------
  // One request per answer (POST /sparql/labels with the answer's IRIs; the server looks them up with one
  // query); the table and the chart then show names, linked to their pages, unless "raw RDF" is switched on.
  var LABELS = {};  // IRI -> {label, href}, or null once asked without an answer
  var raw = false;
  var realFetch = window.fetch.bind(window);
  function labelOf(term) {
    if (raw || !term || term.type !== "uri" || !LABELS[term.value]) { return null; }
    return LABELS[term.value].label || null;
  }
  function askLabels(yasr) {
    var rows = yasr.results && yasr.results.getBindings ? yasr.results.getBindings() : null;
    if (!rows) { return; }
    var wanted = [];
    rows.forEach(function (b) {
      Object.keys(b).forEach(function (v) {
        var t = b[v];
        if (t && t.type === "uri" && !(t.value in LABELS)) { LABELS[t.value] = null; wanted.push(t.value); }
      });
    });
    if (!wanted.length) { return; }
    var body = new URLSearchParams();
    wanted.forEach(function (iri) { body.append("iri", iri); });
    realFetch("/sparql/labels?lang=" + encodeURIComponent(cfg.lang), { method: "POST", body: body })
      .then(function (r) { return r.ok ? r.json() : { labels: {} }; })
      .then(function (data) {
        Object.keys(data.labels || {}).forEach(function (iri) { LABELS[iri] = data.labels[iri]; });
        if (!raw && yasr.results && yasr.results.getBindings() === rows) { yasr.refresh(); }
      })
      .catch(function () { /* names are a help: without them the table shows the IRIs */ });
  }
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  function localHref(iri) {
    if (iri.indexOf(cfg.base + "/") !== 0) { return iri; }
    var path = iri.slice(cfg.base.length);
    if (path.indexOf("/id/") === 0) { path = "/doc/" + path.slice(4); }
    return path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + cfg.lang;
  }
  // A cell for people: an IRI by its name (linked to its page, the IRI in its title), a typed value as its value.
  function readable(t) {
    if (raw || !t || t === "") { return null; }
    if (t.type === "uri") {
      var found = LABELS[t.value];
      if (!found || !found.label) { return null; }
      // The same wrapping as YASR's own cells (a div around a span), which its ellipsis handling expects.
      return "<div><span><a href=\"" + esc(found.href || localHref(t.value)) + "\" title=\"" + esc(t.value) + "\">" +
        esc(found.label) + "</a></span></div>";
    }
    if (t.type === "literal" || t.type === "typed-literal") {
      var lang = t["xml:lang"] ? " lang=\"" + esc(t["xml:lang"]) + "\"" : "";
      var value = NUMERIC.test(t.datatype || "") ? t.value.replace(".", T.decimal || ".") : t.value;
      return "<div><span class=\"nonIri\"" + lang + ">" + esc(value) + "</span></div>";
    }
    return null;
  }

  // -- a chart of numeric answers, drawn here as SVG (no chart library, nothing from elsewhere) -------
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|gYear)$/;
  function numericColumn(results) {
    var vars = results.getVariables();
    var rows = results.getBindings();  // null for an error or a graph
    if (!rows || !rows.length || rows.length > 60) { return null; }
    for (var i = 0; i < vars.length; i++) {
      var v = vars[i];
      var all = rows.every(function (b) {
        return b[v] && b[v].type !== "uri" && NUMERIC.test(b[v].datatype || "") && isFinite(parseFloat(b[v].value));
      });
      if (all) { return v; }
    }
    return null;
  }
  function shortName(term) {
    if (!term) { return ""; }
    if (term.type !== "uri") { return term.value; }
    for (var p in cfg.prefixes) {
      if (term.value.indexOf(cfg.prefixes[p]) === 0) { return p + ":" + term.value.slice(cfg.prefixes[p].length); }
    }
    return term.value;
  }
  function ChartPlugin(yasr) { this.yasr = yasr; this.priority = 5; this.label = T.chart; }
  ChartPlugin.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return !!(r && r.getBindings && r.getVariables && numericColumn(r));
  };
  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.textContent = "▤";
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };
  ChartPlugin.prototype.draw = function () {
    var r = this.yasr.results;
    var valueVar = numericColumn(r);
    var labelVar = r.getVariables().filter(function (v) { return v !== valueVar; })[0];
    var rows = r.getBindings();
    var max = Math.max.apply(null, rows.map(function (b) { return Math.abs(parseFloat(b[valueVar].value)); })) || 1;
    var NS = "http://www.w3.org/2000/svg";
    var barH = 22, left = 240, width = 740, height = rows.length * barH + 30;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + (left + width + 80) + " " + height);
    svg.setAttribute("class", "answer-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", T.chartTitle + ": " + valueVar);
    rows.forEach(function (b, i) {
      var value = parseFloat(b[valueVar].value);
      var y = 10 + i * barH;
      var label = document.createElementNS(NS, "text");
      label.setAttribute("x", left - 8); label.setAttribute("y", y + 15); label.setAttribute("text-anchor", "end");
      // A name longer than the room beside the bars is cut with an ellipsis; the whole name is its tooltip.
      var name = labelVar ? (labelOf(b[labelVar]) || shortName(b[labelVar])) : String(i + 1);
      label.textContent = name.length > 32 ? name.slice(0, 31) + "…" : name;
      var tip = document.createElementNS(NS, "title");
      tip.textContent = name;
      label.appendChild(tip);
      var bar = document.createElementNS(NS, "rect");
      bar.setAttribute("x", left); bar.setAttribute("y", y + 3);
      bar.setAttribute("width", Math.max(1, width * Math.abs(value) / max)); bar.setAttribute("height", barH - 6);
      var text = document.createElementNS(NS, "text");
      text.setAttribute("x", left + width * Math.abs(value) / max + 6); text.setAttribute("y", y + 15);
      text.textContent = value.toLocaleString(nl ? "nl-NL" : "en-GB");
      svg.appendChild(label); svg.appendChild(bar); svg.appendChild(text);
    });
    var wrap = document.createElement("div");
    wrap.className = "answer-chart-wrap";
    // It scrolls sideways on a phone: reachable and scrollable with the keyboard.
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", T.chart);
    wrap.appendChild(svg);
    this.yasr.resultsEl.appendChild(wrap);
  };
  Yasr.registerPlugin("chart", ChartPlugin);

  // Columns of numbers sort as numbers (YASR hands DataTables the text, which sorts 1, 1174, 13539, 5, 98).
  var Table = Yasr.plugins && Yasr.plugins.table;
  if (Table && Table.prototype.getColumns) {
    var columns = Table.prototype.getColumns;
    Table.prototype.getColumns = function () {
      var rows = (this.yasr.results && this.yasr.results.getBindings()) || [];
      askLabels(this.yasr);
      return columns.call(this).map(function (col) {
        if (!col.name) { return col; }  // the row numbers
        var numeric = rows.length && rows.every(function (b) {
          var t = b[col.name];
          return !t || (t.type !== "uri" && NUMERIC.test(t.datatype || "") && isFinite(parseFloat(t.value)));
        });
        var render = col.render;
        return Object.assign({}, col, numeric ? { type: "num" } : {}, { render: function (t, kind, row, meta) {
          if (numeric && (kind === "sort" || kind === "type")) { return t === "" || !t ? null : parseFloat(t.value); }
          if (kind === "display") {
            var shown = readable(t);
            if (shown !== null) { return shown; }
          }
          if (kind === "filter" && t && t.type === "uri" && labelOf(t)) { return labelOf(t) + " " + t.value; }
          return render(t, kind, row, meta);
        } });
      });
    };
    // The table's own download (comma CSV of the query's order) gives way to the page's (editor-download).
    Table.prototype.download = undefined;
  }
  // -- YASGUI's own words in the page's language ------------------------------------------------------------
  // YASGUI has no translations: its fixed English texts are replaced where they appear (a text, a title, a
  // placeholder, an aria-label) by the words of the page's #editor-words block, and the table's counts get the
  // block's wording through the table's defaults. `{n}` (a count), `{s}` (seconds) and `{name}` (a view) are
  // filled in from the English text.
  var SAME = WORDS.yasgui || {};
  var PATTERNS = Object.keys(SAME).filter(function (k) { return k.indexOf("{") >= 0; }).map(function (k) {
    var names = [];
    var source = k.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, function (all, name) {
      names.push(name);
      return name === "n" ? "(\\d+)" : name === "s" ? "([\\d.]+)" : "(.+)";
    }).replace(/seconds$/, "seconds?");
    return [new RegExp("^" + source + "$"), names, SAME[k]];
  });
  function translated(text) {
    var key = text.trim();
    if (SAME[key] !== undefined && SAME[key] !== key) { return text.replace(key, SAME[key]); }
    for (var i = 0; i < PATTERNS.length; i++) {
      var m = PATTERNS[i][0].exec(key);
      if (!m) { continue; }
      var values = {};
      PATTERNS[i][1].forEach(function (name, j) {
        var v = m[j + 1];
        values[name] = name === "s" ? v.replace(".", T.decimal || ".") : name === "name" ? (SAME[v] || v) : v;
      });
      var now = fill(PATTERNS[i][2], values);
      return now === key ? null : now;
    }
    return null;
  }
  function translate(root) {
    ["title", "placeholder", "aria-label"].forEach(function (name) {
      root.querySelectorAll("[" + name + "]").forEach(function (el) {
        var now = translated(el.getAttribute(name));
        if (now !== null) { el.setAttribute(name, now); }
      });
    });
    // The query text and the answer's rows are never words of YASGUI: their subtrees are not walked at all.
    var walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, { acceptNode: function (n) {
      if (n.nodeType === 1) { return n.matches(".CodeMirror-code, .dataTable tbody, .editor-error pre") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP; }
      return NodeFilter.FILTER_ACCEPT;
    } });
    for (var node = walk.nextNode(); node; node = walk.nextNode()) {
      var now = translated(node.nodeValue);
      if (now !== null) { node.nodeValue = now; }
    }
  }
  if (WORDS.table && Table && Table.defaults && Table.defaults.tableConfig) {
    Table.defaults.tableConfig.language = Object.assign({}, Table.defaults.tableConfig.language, WORDS.table);
  }

  // -- the server's message when a query fails ----------------------------------------------------------------
  // YASQE reads only the body of a failed answer; its status and Retry-After are kept here as the answer
  // passes (the answer itself is handed on untouched), so the message can say what kind of failure it was.
  var lastAnswer = null;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    var pending = realFetch(input, init);
    if (url.split("?")[0] !== endpoint) { return pending; }
    lastAnswer = null;
    return pending.then(function (res) {
      lastAnswer = { status: res.status, retry: res.headers.get("retry-after") };
      return res;
    });
  };
  function renderError(error) {
    var box = document.createElement("div");
    box.className = "editor-error";
    box.setAttribute("role", "alert");
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = T.errorTitle;
    head.appendChild(strong);
    box.appendChild(head);
    var answer = lastAnswer;
    if (!answer || !answer.status) {
      var none = document.createElement("p");
      none.textContent = T.errorNetwork;
      box.appendChild(none);
      return Promise.resolve(box);
    }
    head.appendChild(document.createTextNode(" " + fill(T.errorStatus, { status: String(answer.status) })));
    var intro = document.createElement("p");
    intro.textContent = T["error" + answer.status] || T.errorOther;
    box.appendChild(intro);
    var pre = document.createElement("pre");
    pre.setAttribute("tabindex", "0");
    pre.textContent = error.text || "";  // /sparql answers every error as plain text (core/errors.py)
    box.appendChild(pre);
    if (answer.retry && /^\d+$/.test(answer.retry)) {
      var retry = document.createElement("p");
      retry.textContent = fill(T.errorRetry, { s: answer.retry });
      box.appendChild(retry);
    }
    return Promise.resolve(box);
  }
  Yasr.defaults.errorRenderers = [renderError];

  Yasr.defaults.pluginOrder = ["table", "chart", "response"];
  Yasr.defaults.prefixes = cfg.prefixes;

  // -- the editor ---------------------------------------------------------------------------------------
  var host = document.getElementById("yasgui");
  var form = document.getElementById("plain-editor");
  // -- one link to a query: /sparql?query=…, which opens this editor (and runs without JavaScript too) -------
  // YASGUI's share button shows it too (its own link, /sparql#query=…, would open the default query here).
  function shareUrl(query) { return endpoint + "?" + new URLSearchParams({ query: query, lang: cfg.lang }).toString(); }
  window.Yasgui.Tab.prototype.getShareableLink = function () { return shareUrl(this.getQuery()); };

  var yasgui = new window.Yasgui(host, {
    requestConfig: {
      endpoint: endpoint, method: "POST",
      acceptHeaderSelect: "application/sparql-results+json,*/*;q=0.9",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
      acceptHeaderUpdate: "text/plain,*/*;q=0.9"
    },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    autofocus: false,
    persistenceId: "almerekg-sparql",
    yasqe: { resizeable: true, editorHeight: "22rem" },
    yasr: { prefixes: cfg.prefixes, defaultPlugin: "table", errorRenderers: [renderError],
            plugins: { table: { dynamicConfig: { openIriInNewWindow: false } } } }
  });
  host.hidden = false;
  form.hidden = true;
  document.getElementById("editor-tools").hidden = false;
  var answer = document.getElementById("server-answer");

  function tab() { return yasgui.getTab(); }
  function label() {
    // Names for YASGUI's controls that have none: CodeMirror's input gets the label the form's textarea
    // had, the tab's rename field and the page-size list theirs.
    var input = host.querySelector(".CodeMirror textarea");
    if (input) { input.setAttribute("aria-label", T.editor); }
    host.querySelectorAll(".tab input:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", T.tabName); });
    host.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", T.pageSize); });
    // Regions that scroll sideways on a phone can be reached and scrolled with the keyboard.
    [[".CodeMirror-scroll", T.scrollQuery], [".yasr_results", T.scrollResults]].forEach(function (pair) {
      host.querySelectorAll(pair[0] + ":not([tabindex=\"0\"])").forEach(function (el) {
        el.setAttribute("tabindex", "0"); el.setAttribute("role", "region"); el.setAttribute("aria-label", pair[1]);
      });
    });
    // A view that cannot show this answer (after a failure: none can) is greyed out by YASR's class only; as a
    // disabled button it is out of the tab order and says so.
    host.querySelectorAll(".yasr_btnGroup button.yasr_btn").forEach(function (b) {
      var off = b.classList.contains("disabled");
      if (b.disabled !== off) { b.disabled = off; }
    });
    host.querySelectorAll(".yasqe_sharePopup input:not([aria-label])").forEach(function (el) { el.setAttribute("aria-label", T.shareLink); });
    host.querySelectorAll("input:not([aria-label]), select:not([aria-label])").forEach(function (el) {
      if (!el.labels || !el.labels.length) { el.setAttribute("aria-label", el.placeholder || T.field); }
    });
  }
  function tabsOutOfTablist() {
    // A tablist may hold only tabs: YASGUI's "+" button moves out of it, right after it (new tabs are then
    // appended to the list instead of inserted before the button).
    var list = host.querySelector(".tabsList");
    var elements = yasgui.tabElements;
    if (list && elements && elements.addTabEl && elements.addTabEl.parentNode === list) {
      var add = elements.addTabEl;
      elements.addTabEl = null;
      add.removeAttribute("role");
      add.className = "addTabWrap";
      list.parentNode.insertBefore(add, list.nextSibling);
    }
  }
  function buttonsAbove() {
    // YASQE's run and share buttons lie over the query's first lines; they go into a bar above it instead.
    host.querySelectorAll(".yasqe .CodeMirror > .yasqe_buttons").forEach(function (bar) {
      var editor = bar.closest(".yasqe");
      bar.classList.add("outside");
      editor.insertBefore(bar, editor.firstChild);
    });
  }
  function localLinks(root) {
    // Links to the graph's own IRIs open their page on this site, in this language.
    root.querySelectorAll("a[href^='" + cfg.base + "/']").forEach(function (a) {
      var path = a.getAttribute("href").slice(cfg.base.length);
      if (path.indexOf("/id/") === 0) { path = "/doc/" + path.slice(4); }
      a.setAttribute("href", path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + cfg.lang);
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { buttonsAbove(); localLinks(host); label(); translate(host); offerDownloads(); })
    // YASR rewrites some texts in place, and greys out a view by its class alone (label() then disables it).
    .observe(host, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ["class"] });

  var current = tab();
  if (cfg.ran || !current.getQuery().trim() || current.getQuery().indexOf("SELECT * WHERE") >= 0) {
    current.setQuery(cfg.query);
  }
  current.setEndpoint(endpoint);
  tabsOutOfTablist();
  buttonsAbove();
  label();
  translate(host);
  if (cfg.ran) {
    if (answer) { answer.hidden = true; }
    current.getYasqe().query().catch(function () {});
  }
  yasgui.on("query", function () { if (answer) { answer.hidden = true; } });

  // -- the saved queries as examples --------------------------------------------------------------------
  var pickWrap = document.createElement("p");
  pickWrap.className = "example-pick";
  var pickLabel = document.createElement("label");
  pickLabel.setAttribute("for", "example-pick");
  pickLabel.textContent = T.example + " ";
  var pick = document.createElement("select");
  pick.id = "example-pick";
  var none = document.createElement("option");
  none.value = ""; none.textContent = T.pick;
  pick.appendChild(none);
  cfg.examples.forEach(function (e, i) {
    var o = document.createElement("option");
    o.value = String(i); o.textContent = e.title;
    pick.appendChild(o);
  });
  pick.addEventListener("change", function () {
    if (pick.value !== "") { tab().setQuery(cfg.examples[Number(pick.value)].query); }
  });
  pickWrap.appendChild(pickLabel);
  pickWrap.appendChild(pick);
  host.parentNode.insertBefore(pickWrap, host);

  // -- downloads of a SELECT answer, in the order the table shows ------------------------------------------------
  function offerDownloads() {
    var downloads = document.getElementById("editor-download");
    var yasr = yasgui && yasgui.getTab() ? yasgui.getTab().getYasr() : null;
    var rows = yasr && yasr.results && !yasr.results.getError() ? yasr.results.getBindings() : null;
    if (downloads) { downloads.hidden = !rows; }
  }
  function shownOrder(yasr) {
    // The table's sort column and direction (its first column holds the row numbers and is never sorted on).
    var table = yasr.plugins && yasr.plugins.table;
    var order = table && table.dataTable ? table.dataTable.order() : [];
    if (!order.length || !order[0][0]) { return null; }
    var name = yasr.results.getVariables()[order[0][0] - 1];
    return name ? { sort: name, desc: order[0][1] === "desc" ? "1" : "" } : null;
  }
  document.getElementById("editor-download").addEventListener("submit", function (event) {
    var f = event.target;
    var yasr = tab().getYasr();
    var order = yasr && yasr.getSelectedPluginName() === "table" ? shownOrder(yasr) : null;
    f.elements.query.value = tab().getQuery();
    f.elements.sort.value = order ? order.sort : "";
    f.elements.desc.value = order ? order.desc : "";
  });

  // -- names or raw RDF ------------------------------------------------------------------------------------------
  document.getElementById("raw-rdf").addEventListener("change", function (event) {
    raw = event.target.checked;
    var yasr = tab().getYasr();
    if (yasr && yasr.results) { yasr.refresh(); }
  });

  // -- the page's link to the query -------------------------------------------------------------------------
  var status = document.getElementById("copy-status");
  document.getElementById("copy-link").addEventListener("click", function () {
    var url = shareUrl(tab().getQuery());
    var done = function () { status.textContent = T.copied; };
    var failed = function () { status.textContent = T.copyFailed; window.history.replaceState(null, "", url); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, failed);
    } else {
      failed();
    }
  });
}());
