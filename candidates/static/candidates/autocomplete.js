// ESCO autocomplete: the text input asks the taxonomy endpoint (HTMX) for suggestions;
// choosing one (click or Enter) fills the hidden URI field. Without JavaScript the form
// still submits and the server answers "please choose from the suggestions".
(function () {
  "use strict";
  function setup(box) {
    var input = box.querySelector("input[type=text]");
    var hidden = box.querySelector("input[type=hidden][name$=_uri]");
    var url = box.querySelector("[data-autocomplete-url]").value;
    var target = box.querySelector("div[id$=-box]");
    if (!input || !hidden || !target || !window.htmx) return;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", target.id);
    var timer = null;
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(function () {
        window.htmx.ajax("GET", url, { target: target, values: { q: input.value } });
      }, 250);
    });
    function choose(option) {
      if (!option || !option.dataset.uri) return;
      hidden.value = option.dataset.uri;
      input.value = option.dataset.label;
      target.innerHTML = "";
      input.focus();
    }
    target.addEventListener("click", function (event) {
      choose(event.target.closest("[data-uri]"));
    });
    target.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); choose(event.target.closest("[data-uri]")); }
    });
    input.addEventListener("keydown", function (event) {
      var first = target.querySelector("[data-uri]");
      if (event.key === "ArrowDown" && first) { event.preventDefault(); first.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-autocomplete]").forEach(setup);
  });
})();
