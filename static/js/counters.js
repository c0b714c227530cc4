// Refreshes the public counters without a reload. No dependencies, no tracking.
(function () {
  "use strict";
  var box = document.querySelector("[data-counter-url]");
  if (!box || !window.fetch) { return; }
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function show(data) {
    // "total" is online plus paper, what the goal counts; "signatures" stays the online count.
    if (typeof data.total !== "number") { data.total = data.signatures; }
    ["total", "signatures", "paper", "emails_sent", "goal", "own_mail"].forEach(function (name) {
      box.querySelectorAll('[data-counter="' + name + '"]').forEach(function (el) {
        if (typeof data[name] === "number") { el.textContent = format.format(data[name]); }
      });
    });
    var bar = box.querySelector('[data-counter="progress"]');
    if (bar && data.goal) {
      var percent = Math.min(100, Math.floor(data.total * 100 / data.goal));
      bar.value = percent;
      bar.textContent = percent + "%";
    }
  }
  function refresh() {
    fetch(box.getAttribute("data-counter-url"), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  var every = parseInt(box.getAttribute("data-counter-every"), 10) || 10000;
  setInterval(function () { if (!document.hidden) { refresh(); } }, every);
  var soon = parseInt(box.getAttribute("data-counter-refresh-after"), 10);
  if (soon > 0) { setTimeout(refresh, soon); }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
