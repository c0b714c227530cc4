// The copy-link button. No dependencies, no tracking; without JavaScript the link is still there to select.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".share-copy").querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      input.select();
      var done = function () { status.textContent = button.getAttribute("data-copied"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
