// Counts a tap on an own-mailbox button, then lets the link open the letter as it would without
// JavaScript. The count carries nothing about who tapped: no body, no cookie.
(function () {
  "use strict";
  var box = document.querySelector("[data-own-mail-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-own-mail-url");
  box.querySelectorAll("a[data-own-mail]").forEach(function (link) {
    link.addEventListener("click", function () {
      // keepalive: the count goes even if the mail app takes the page away.
      fetch(url, { method: "POST", keepalive: true, credentials: "omit", referrerPolicy: "no-referrer" }).catch(function () { /* not counted */ });
    });
  });
})();
