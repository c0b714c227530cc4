// The list of dates (campaigns/date_list.py): "Add a date" and "Remove" for each row. Listens on the
// document, so rows the admin adds with "Add another" (copies of a hidden form) work as well.
(function () {
  "use strict";

  function showEmpty(list) {
    list.querySelector("[data-no-dates]").hidden = list.querySelector("[data-date-rows]").children.length > 0;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-date]");
    var remove = event.target.closest("[data-remove-date]");
    if (add) {
      var list = add.closest("[data-date-list]");
      var row = list.querySelector("[data-date-prototype]").cloneNode(true);
      row.removeAttribute("data-date-prototype");
      var input = row.querySelector("input");
      input.disabled = false;
      list.querySelector("[data-date-rows]").appendChild(row);
      showEmpty(list);
      input.focus();
    } else if (remove && !remove.closest("[data-date-prototype]")) {
      var owner = remove.closest("[data-date-list]");
      var gone = remove.closest("li");
      var neighbour = gone.nextElementSibling || gone.previousElementSibling;
      gone.remove();
      showEmpty(owner);
      // Keep the keyboard's place: on the next date, else on the button that adds one.
      (neighbour ? neighbour.querySelector("input") : owner.querySelector("[data-add-date]")).focus();
    }
  });

  // A date field filled in only in part sends nothing: stop and point at it rather than lose it.
  document.addEventListener("submit", function (event) {
    var fields = event.target.querySelectorAll("[data-date-rows] input[type=date]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].validity.badInput) {
        event.preventDefault();
        fields[i].focus();
        fields[i].reportValidity();
        return;
      }
    }
  }, true);
})();
