// The signing form, for a person: the first field to correct gets the focus, the personal message
// shows how long it may be, and a misspelt mail domain gets a "did you mean ...?" hint with a
// button, before the form is sent. The server checks all of it again (petitions/forms.py).
(function () {
  "use strict";
  var invalid = document.querySelector("form [aria-invalid='true']");
  if (invalid) { invalid.focus(); }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  // Edits (insert, delete, substitute, swap two neighbours) between two strings.
  function distance(a, b) {
    var rows = [], i, j;
    for (i = 0; i <= a.length; i++) {
      rows.push([i]);
      for (j = 1; j <= b.length; j++) {
        if (i === 0) { rows[i].push(j); continue; }
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, rows[i - 2][j - 2] + 1);
        }
        rows[i].push(best);
      }
    }
    return rows[a.length][b.length];
  }

  function suggestion(address, known) {
    var at = address.lastIndexOf("@");
    if (at < 1) { return null; }
    var domain = address.slice(at + 1).toLowerCase();
    if (!domain || known.indexOf(domain) >= 0) { return null; }
    var best = null, bestDistance = Infinity;
    known.forEach(function (candidate) {
      var d = distance(domain, candidate);
      if (d < bestDistance || (d === bestDistance && candidate < best)) { best = candidate; bestDistance = d; }
    });
    var allowed = best && best.length <= 10 ? 1 : 2;
    return best && bestDistance <= allowed ? address.slice(0, at + 1) + best : null;
  }

  document.querySelectorAll("input[data-common-domains]").forEach(function (input) {
    var known = input.getAttribute("data-common-domains").split(" ");
    var hint = document.createElement("div");
    hint.className = "form-text text-danger-emphasis email-typo-hint";
    hint.setAttribute("role", "status");
    hint.hidden = true;
    var text = document.createElement("span");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 ms-1 align-baseline";
    button.textContent = input.getAttribute("data-typo-button");
    hint.appendChild(text);
    hint.appendChild(button);
    input.insertAdjacentElement("afterend", hint);
    var proposed = null;
    function check() {
      proposed = suggestion(input.value.trim(), known);
      hint.hidden = !proposed;
      if (proposed) { text.textContent = fill(input.getAttribute("data-typo-hint"), { address: proposed }); }
    }
    button.addEventListener("click", function () {
      if (proposed) { input.value = proposed; }
      hint.hidden = true;
      input.focus();
    });
    input.addEventListener("change", check);
    input.addEventListener("blur", check);
  });

  document.querySelectorAll("textarea[data-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    // The counter takes the place of the field's "up to N characters" help, which says the same,
    // unless the help says more (data-keep-help): then it follows it.
    var help = document.getElementById(area.id + "_helptext");
    var counter = help && !area.hasAttribute("data-keep-help") ? help : null;
    if (!counter) {
      counter = document.createElement("div");
      (help || area).insertAdjacentElement("afterend", counter);
    }
    counter.className = "form-text message-counter";
    var format = window.Intl && Intl.NumberFormat ? new Intl.NumberFormat(document.documentElement.lang) : null;
    function number(n) { return format ? format.format(n) : String(n); }
    function update() {
      // Characters as the server counts them (code points, not UTF-16 units).
      var count = Array.from(area.value).length;
      counter.textContent = fill(area.getAttribute("data-counter"), {
        count: number(count), limit: area.getAttribute("data-limit-label") || number(limit)
      });
      counter.classList.toggle("text-danger", count > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();

// A folded letter in the embed opens by itself where the frame is wide enough to read it beside.
(function () {
  "use strict";
  document.querySelectorAll("details[data-open-from]").forEach(function (details) {
    var width = parseInt(details.getAttribute("data-open-from"), 10);
    if (window.matchMedia && window.matchMedia("(min-width: " + width + "px)").matches) { details.open = true; }
  });
})();

// Whom a signer writes to, named as they fill in the form: by country as soon as they choose
// theirs, by postcode as they type it. The same rules as the server's (campaigns/routing.py): the
// longest postcode beginning that fits wins, a target with countries is only for signers in them,
// and the default targets are for everyone else.
(function () {
  "use strict";
  function show(note, label, names) {
    note.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = label + " ";
    note.appendChild(strong);
    names.forEach(function (name, index) {
      var item = document.createElement("bdi");
      item.textContent = name;
      if (index) { note.appendChild(document.createTextNode("; ")); }
      note.appendChild(item);
    });
    note.hidden = false;
  }

  function byPostcode(routes, code, country) {
    var best = 0, names = [];
    routes.rows.forEach(function (row) {
      var prefix = row[0], countries = row[1], name = row[2];
      if (countries.length && countries.indexOf(country) < 0) { return; }
      if (code.indexOf(prefix) !== 0) { return; }
      if (prefix.length > best) { best = prefix.length; names = []; }
      if (prefix.length === best && names.indexOf(name) < 0) { names.push(name); }
    });
    return names.length ? names : routes["default"];
  }

  document.querySelectorAll("form [data-routes], form [data-postcode-routes]").forEach(function (field) {
    var note = field.form.querySelector("[data-route-note]");
    if (!note) { return; }
    var country = field.form.querySelector("select[name='country']");
    var byCountry = field.hasAttribute("data-routes");
    var routes = JSON.parse(field.getAttribute(byCountry ? "data-routes" : "data-postcode-routes"));
    function update() {
      var code = byCountry ? field.value : field.value.toUpperCase().replace(/[^0-9A-Z\u00C0-\uFFFF]/g, "");
      if (!code) { note.hidden = true; return; }
      var names = byCountry ? (routes[code] || routes[""] || []) : byPostcode(routes, code, country ? country.value : "");
      show(note, field.getAttribute("data-routes-label"), names);
    }
    field.addEventListener(byCountry ? "change" : "input", update);
    if (!byCountry && country) { country.addEventListener("change", update); }
    update();
  });
})();
