// The big-screen display: polls display.json, counts up to each new total, and keeps the last
// figures while the network is away, with a small "Reconnecting…" note, trying again later and later
// until it answers. No dependencies, no cookie, nothing fetched from elsewhere.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-display-url");
  if (!url || !window.fetch) { return; }
  var EVERY_MS = 5000;        // a live count without costing the server more than a lookup
  var FIRST_RETRY_MS = 2000;  // then 4, 8, 16, 32 s, and never more than a minute between tries
  var LONGEST_WAIT_MS = 60000;
  var GIVE_UP_MS = 10000;     // a request a flaky network leaves hanging counts as failed
  var COUNT_MS = 1500;
  var separator = body.getAttribute("data-thousands") || "";
  var total = document.querySelector('[data-figure="total"]');
  var announce = document.querySelector("[data-announce]");
  var offline = document.querySelector("[data-offline]");
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var shown = parse(total.textContent);
  var failures = 0;
  var timer = null;
  var frame = null;
  var pending = false;

  function format(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator); }
  function parse(text) { var digits = text.replace(/\D/g, ""); return digits ? parseInt(digits, 10) : null; }
  function showTotal(n) {
    var text = format(n);
    total.textContent = text;
    var digits = text.replace(/\D/g, "").length;
    total.setAttribute("data-size", digits > 6 ? "long" : digits > 4 ? "mid" : "short");
  }
  function figure(name, value) {
    document.querySelectorAll('[data-figure="' + name + '"]').forEach(function (el) { el.textContent = format(value); });
  }

  function countTo(target) {
    if (frame) { cancelAnimationFrame(frame); frame = null; }
    if (shown === null || reduced || target <= shown || document.hidden) {
      shown = target;
      showTotal(target);
      return;
    }
    var from = shown;
    var start = null;
    function step(now) {
      if (start === null) { start = now; }
      var t = Math.min(1, (now - start) / COUNT_MS);
      shown = Math.round(from + (target - from) * (1 - Math.pow(1 - t, 3)));
      showTotal(shown);
      frame = t < 1 ? requestAnimationFrame(step) : null;
    }
    frame = requestAnimationFrame(step);
  }

  function item(parts) {
    var li = document.createElement("li");
    parts.forEach(function (part) {
      var el = document.createElement(part[0]);
      if (part[2]) { el.className = part[2]; }
      el.textContent = part[1];
      li.appendChild(el);
    });
    return li;
  }

  function fill(name, items) {
    var list = document.querySelector('[data-list="' + name + '"]');
    var before = {};
    list.querySelectorAll("li").forEach(function (li) { before[li.textContent] = true; });
    var lis = items.map(item);
    var first = list.children.length === 0 && Object.keys(before).length === 0;
    list.replaceChildren.apply(list, lis);
    lis.forEach(function (li) { if (!first && !before[li.textContent]) { li.classList.add("arrived"); } });
    document.querySelector('[data-part="' + name + '"]').hidden = items.length === 0;
  }

  function show(data) {
    if (typeof data.total !== "number") { return; }
    if (data.total !== shown && announce) { announce.textContent = format(data.total); }
    countTo(data.total);
    figure("emails_sent", data.emails_sent);
    var goal = document.querySelector('[data-part="goal"]');
    goal.hidden = !data.goal;
    if (data.goal) {
      figure("goal", data.goal);
      var bar = document.querySelector('[data-figure="progress"]');
      bar.value = data.progress_percent;
      bar.textContent = data.progress_percent + "%";
    }
    fill("recent", (data.recent || []).map(function (signer) {
      var parts = [["bdi", signer.first_name]];
      if (signer.country) { parts.push(["span", signer.country, "display-country"]); }
      return parts;
    }));
    var countries = document.querySelector('[data-list="countries"]');
    var rows = (data.countries || []).map(function (row) { return [["span", row.country + " "], ["bdi", format(row.signers)]]; });
    if (data.other_countries) {
      rows.push([["span", countries.getAttribute("data-other") + " "], ["bdi", format(data.other_countries)]]);
    }
    fill("countries", rows);
  }

  if (shown !== null) { showTotal(shown); }

  function next(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function poll() {
    if (pending) { return; }
    pending = true;
    var controller = window.AbortController ? new AbortController() : null;
    var giveUp = setTimeout(function () { if (controller) { controller.abort(); } }, GIVE_UP_MS);
    fetch(url, { credentials: "omit", signal: controller ? controller.signal : undefined })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        failures = 0;
        offline.hidden = true;
        show(data);
        next(EVERY_MS);
      })
      .catch(function () {
        // Keep every figure as it is: the screen still shows the last count, marked as waiting.
        failures += 1;
        offline.hidden = false;
        next(Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * Math.pow(2, failures - 1)));
      })
      .then(function () { clearTimeout(giveUp); pending = false; });
  }

  // A phone held up or a laptop on a projector should not dim and lock in the middle of a speech.
  // Browsers let go of the lock when the page is hidden: it is asked for again on the way back.
  function stayAwake() {
    if (navigator.wakeLock && !document.hidden) { navigator.wakeLock.request("screen").catch(function () {}); }
  }

  window.addEventListener("online", function () { next(0); });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { stayAwake(); next(0); }
  });
  stayAwake();
  next(EVERY_MS);
})();
