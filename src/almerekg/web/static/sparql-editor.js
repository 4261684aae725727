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
  var T = {
    chart: nl ? "Grafiek" : "Chart",
    chartTitle: nl ? "Staafdiagram van de eerste getallenkolom" : "Bar chart of the first column of numbers",
    copied: nl ? "Link gekopieerd." : "Link copied.",
    copyFailed: nl ? "Kopiëren lukte niet; de link staat in de adresbalk." : "Could not copy; the link is in the address bar.",
    editor: nl ? "Vraag (SPARQL)" : "Query (SPARQL)",
    example: nl ? "Voorbeeld: een opgeslagen vraag" : "Example: a saved query",
    pick: nl ? "— kies —" : "— choose —",
    tabName: nl ? "Naam van het tabblad" : "Tab name",
    pageSize: nl ? "Rijen per pagina" : "Rows per page",
    field: nl ? "Invoerveld" : "Input",
    scrollQuery: nl ? "Tekst van de vraag" : "Text of the query",
    scrollResults: nl ? "Antwoord" : "Answer"
  };
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

  // -- a chart of numeric answers, drawn here as SVG (no chart library, nothing from elsewhere) -------
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|gYear)$/;
  function numericColumn(results) {
    var vars = results.getVariables();
    var rows = results.getBindings();
    if (!rows.length || rows.length > 60) { return null; }
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
    var barH = 22, left = 220, width = 760, height = rows.length * barH + 30;
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
      label.textContent = (labelVar ? shortName(b[labelVar]) : String(i + 1)).slice(0, 34);
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
      var rows = this.yasr.results ? this.yasr.results.getBindings() : [];
      return columns.call(this).map(function (col) {
        var numeric = col.name && rows.length && rows.every(function (b) {
          var t = b[col.name];
          return !t || (t.type !== "uri" && NUMERIC.test(t.datatype || "") && isFinite(parseFloat(t.value)));
        });
        if (!numeric) { return col; }
        var render = col.render;
        return Object.assign({}, col, { type: "num", render: function (t, kind, row, meta) {
          if (kind === "sort" || kind === "type") { return t === "" || !t ? null : parseFloat(t.value); }
          return render(t, kind, row, meta);
        } });
      });
    };
  }
  // -- YASGUI's own words in Dutch on a Dutch page ------------------------------------------------------
  // YASGUI has no translations: its fixed English texts are replaced where they appear (a text, a title, a
  // placeholder, an aria-label), and the table's counts get their Dutch wording through the table's defaults.
  var DUTCH = {
    "Run query": "Vraag uitvoeren", "Share query": "Vraag delen", "Add a new tab": "Nieuw tabblad",
    "Add tab": "Nieuw tabblad", "Close tab": "Tabblad sluiten", "Clear endpoint": "Adres wissen",
    "Download Results": "Antwoord downloaden", "Download result": "Antwoord downloaden",
    "Download not supported": "Dit antwoord kan niet worden gedownload",
    "Filter query results": "Antwoord filteren", "Simple view": "Eenvoudige weergave", "Ellipse": "Inkorten",
    "Show all": "Alles tonen", "Page size:": "Rijen per pagina:", "Table": "Tabel", "Response": "Ruw antwoord",
    "Query": "Vraag", "pagination": "Pagina's", "cannot render result": "dit antwoord kan niet worden getoond",
    "Try query in a new browser window": "Vraag in een nieuw venster proberen",
    "Unable to get response from endpoint. Possible reasons:": "Geen antwoord van het eindpunt. Mogelijke oorzaken:",
    "Incorrect endpoint URL": "Onjuist adres van het eindpunt", "Endpoint is down": "Het eindpunt is onbereikbaar",
    "This plugin doesn't have a help reference yet. Please contact the maintainer to fix this":
      "Voor deze weergave is geen uitleg",
    "Settings": "Instellingen", "Open settings": "Instellingen openen", "Request method": "Methode van het verzoek",
    "Accept Headers": "Accept-headers", "Arguments": "Argumenten", "Header Arguments": "Headers",
    "Default Graphs": "Standaardgrafen", "Named Graphs": "Benoemde grafen", "All": "Alle",
    "Ask / Select": "Ask / Select", "Construct / Describe": "Construct / Describe"
  };
  var PATTERNS = [
    [/^(\d+) results? in ([\d.]+) seconds?$/, function (m) {
      return m[1] + (m[1] === "1" ? " resultaat" : " resultaten") + " in " + m[2].replace(".", ",") + " s"; }],
    [/^Shows (.+) view$/, function (m) { return "Toont de weergave " + (DUTCH[m[1]] || m[1]); }],
    [/^View documentation of (.+)$/, function (m) { return "Uitleg over " + (DUTCH[m[1]] || m[1]); }]
  ];
  function dutch(text) {
    var key = text.trim();
    if (DUTCH[key] && DUTCH[key] !== key) { return text.replace(key, DUTCH[key]); }
    for (var i = 0; i < PATTERNS.length; i++) {
      var m = PATTERNS[i][0].exec(key);
      if (m) { return PATTERNS[i][1](m); }
    }
    return null;
  }
  function translate(root) {
    if (!nl) { return; }
    ["title", "placeholder", "aria-label"].forEach(function (name) {
      root.querySelectorAll("[" + name + "]").forEach(function (el) {
        var now = dutch(el.getAttribute(name));
        if (now !== null) { el.setAttribute(name, now); }
      });
    });
    // The query text and the answer's rows are never words of YASGUI: their subtrees are not walked at all.
    var walk = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, { acceptNode: function (n) {
      if (n.nodeType === 1) { return n.matches(".CodeMirror-code, .dataTable tbody") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP; }
      return NodeFilter.FILTER_ACCEPT;
    } });
    for (var node = walk.nextNode(); node; node = walk.nextNode()) {
      var now = dutch(node.nodeValue);
      if (now !== null) { node.nodeValue = now; }
    }
  }
  if (nl && Table && Table.defaults && Table.defaults.tableConfig) {
    Table.defaults.tableConfig.language = Object.assign({}, Table.defaults.tableConfig.language, {
      info: "Rij _START_ tot _END_ van _TOTAL_", infoEmpty: "Geen rijen", infoFiltered: "(gefilterd uit _MAX_)",
      zeroRecords: "Geen rijen gevonden", emptyTable: "Geen antwoord", lengthMenu: "_MENU_ rijen per pagina",
      aria: { orderable: "Sorteren", orderableReverse: "Omgekeerd sorteren", paginate: { first: "Eerste", previous:
        "Vorige", next: "Volgende", last: "Laatste" } }
    });
  }

  Yasr.defaults.pluginOrder = ["table", "chart", "response"];
  Yasr.defaults.prefixes = cfg.prefixes;

  // -- the editor ---------------------------------------------------------------------------------------
  var host = document.getElementById("yasgui");
  var form = document.getElementById("plain-editor");
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
    yasqe: { createShareableLink: null, resizeable: true, editorHeight: "22rem" },
    yasr: { prefixes: cfg.prefixes, defaultPlugin: "table",
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
  function localLinks(root) {
    // Links to the graph's own IRIs open their page on this site, in this language.
    root.querySelectorAll("a[href^='" + cfg.base + "/']").forEach(function (a) {
      var path = a.getAttribute("href").slice(cfg.base.length);
      if (path.indexOf("/id/") === 0) { path = "/doc/" + path.slice(4); }
      a.setAttribute("href", path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + cfg.lang);
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localLinks(host); label(); translate(host); })
    .observe(host, { childList: true, subtree: true, characterData: true });  // YASR rewrites some texts in place

  var current = tab();
  if (cfg.ran || !current.getQuery().trim() || current.getQuery().indexOf("SELECT * WHERE") >= 0) {
    current.setQuery(cfg.query);
  }
  current.setEndpoint(endpoint);
  tabsOutOfTablist();
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

  // -- a link to the query: /sparql?query=…, which opens this editor (and runs without JavaScript too) --
  var status = document.getElementById("copy-status");
  document.getElementById("copy-link").addEventListener("click", function () {
    var url = endpoint + "?" + new URLSearchParams({ query: tab().getQuery(), lang: cfg.lang }).toString();
    var done = function () { status.textContent = T.copied; };
    var failed = function () { status.textContent = T.copyFailed; window.history.replaceState(null, "", url); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, failed);
    } else {
      failed();
    }
  });
}());
