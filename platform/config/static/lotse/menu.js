// The header's menu on a phone: one button shows and hides the navigation and the language
// switcher (aria-expanded carries the state, lotse.css hides the menu while it is "false").
// Without this script nothing folds: the header shows everything, as on a wide screen.
(function () {
  "use strict";
  document.documentElement.classList.add("lotse-js");

  function setUp() {
    var button = document.querySelector("[data-lotse-menu-toggle]");
    if (!button) return;
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;

    function open() {
      return button.getAttribute("aria-expanded") === "true";
    }

    button.addEventListener("click", function () {
      button.setAttribute("aria-expanded", open() ? "false" : "true");
    });
    // Escape closes the open menu and puts the focus back on its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && open() && menu.contains(document.activeElement)) {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
