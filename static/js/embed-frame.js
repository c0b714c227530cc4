// Inside the embed frame: tell the partner page (embed.js) how tall the content is, so the frame
// fits it without a scrollbar. Only a number leaves the frame.
(function () {
  "use strict";
  if (window.parent === window || !window.ResizeObserver) { return; }
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ outcryEmbedHeight: height, outcryEmbed: location.pathname }, "*");
    }
  }
  new ResizeObserver(report).observe(document.documentElement);
  report();
})();
