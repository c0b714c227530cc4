// After a submission with mistakes, take the signer straight to the first field to correct.
(function () {
  "use strict";
  var invalid = document.querySelector("form [aria-invalid='true']");
  if (invalid) { invalid.focus(); }
})();
