// Counts a press of an own-mailbox button, then lets the link open the letter as it would without
// JavaScript. The count carries nothing about who pressed: no body, no cookie, no referrer.
(function () {
  "use strict";
  var box = document.querySelector("[data-own-mail-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-own-mail-url");
  function count() {
    // keepalive: the count goes even if the mail app takes the page away.
    fetch(url, { method: "POST", keepalive: true, credentials: "omit", referrerPolicy: "no-referrer" })
      .catch(function () { /* not counted */ });
  }
  box.querySelectorAll("a[data-own-mail]").forEach(function (link) {
    link.addEventListener("click", count);
    // A middle click opens the link in a new tab without a click event.
    link.addEventListener("auxclick", function (event) { if (event.button === 1) { count(); } });
  });
})();
