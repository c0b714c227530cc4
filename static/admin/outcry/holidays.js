// A target's public holidays (campaigns/admin.py): choosing a country offers its states and regions
// and shows the holidays that will be skipped, before the form is saved. Listens on the document,
// so targets the admin adds with "Add another" work as well.
(function () {
  "use strict";
  var asked = 0;

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-holiday-country], [data-holiday-subdivision], [data-holiday-zone]");
    if (!field) return;
    var target = field.closest(".inline-related") || field.form;
    var country = target.querySelector("[data-holiday-country]");
    var subdivision = target.querySelector("[data-holiday-subdivision]");
    var zone = target.querySelector("[data-holiday-zone]");
    var shown = target.querySelector("[data-public-holidays]");
    if (!country || !shown) return;
    if (subdivision) subdivision.setAttribute("list", "outcry-subdivisions-" + country.value);
    var url = new URL(shown.getAttribute("data-url"), window.location.href);
    url.searchParams.set("country", country.value);
    url.searchParams.set("subdivision", subdivision ? subdivision.value : "");
    url.searchParams.set("zone", zone ? zone.value : "");
    var mine = String(++asked);
    shown.setAttribute("data-asked", mine);
    fetch(url, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (shown.getAttribute("data-asked") === mine) shown.innerHTML = html;  // only the latest answer
      })
      .catch(function () { /* the list shown stays; saving shows the right one */ });
  });
})();
