// Outcry embed for partner sites. Put where the counter (and form) should appear:
//   <script src="https://OUTCRY/embed.js" data-campaign="SLUG" data-form async></script>
// Options: data-form (include the signing form), data-lang="az" (else the visitor's language),
// data-ref="CODE" (your partner code). It adds one iframe and sets no cookie.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-campaign")) { return; }
  var origin = new URL(script.src).origin;
  var lang = script.getAttribute("data-lang");
  var path = (lang ? "/" + encodeURIComponent(lang) : "") + "/c/" + encodeURIComponent(script.getAttribute("data-campaign")) + "/embed/";
  var params = new URLSearchParams();
  if (script.hasAttribute("data-form")) { params.set("form", "1"); }
  if (script.getAttribute("data-ref")) { params.set("ref", script.getAttribute("data-ref")); }
  var frame = document.createElement("iframe");
  frame.src = origin + path + (params.toString() ? "?" + params.toString() : "");
  frame.title = script.getAttribute("data-title") || "Petition";
  frame.loading = "lazy";
  frame.style.cssText = "display:block;width:100%;max-width:40rem;border:0;height:" + (script.hasAttribute("data-form") ? 900 : 260) + "px";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
    var height = event.data && event.data.outcryEmbedHeight;
    if (typeof height === "number" && height > 0 && height < 10000) { frame.style.height = height + "px"; }
  });
})();
