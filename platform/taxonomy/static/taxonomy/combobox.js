// ESCO fields as WAI-ARIA 1.2 comboboxes with a listbox popup (list autocomplete, manual selection):
// https://www.w3.org/WAI/ARIA/apg/patterns/combobox/
//
// Markup: taxonomy/_combobox.html. Typing asks the taxonomy endpoint for suggestions (an HTML
// fragment of role=option items, taxonomy/_suggestions.html) and shows them in the listbox.
//   ArrowDown / ArrowUp  open the list and move through the suggestions (focus stays in the box,
//                        aria-activedescendant names the active one)
//   Enter                chooses the active suggestion; while the list is open it never submits
//   Escape               closes the list; a second Escape empties the box
//   Tab                  leaves the box (the list closes, nothing is chosen)
//   click                chooses
// A polite live region says how many suggestions there are, in the page's language: the text
// comes from the server (data-announce), the script holds no words of its own.
// One concept: its URI goes to the hidden field [data-combobox-value] (which then fires "change",
// so HTMX listeners follow). Several (data-multi="skills"): each choice adds a hidden field to the
// [data-combobox-chosen] list and empties the box.
(function () {
  "use strict";

  var DELAY = 200;
  var MIN_LENGTH = 2;

  function setup(box) {
    if (box.dataset.comboboxReady) return;
    box.dataset.comboboxReady = "1";
    var input = box.querySelector("input[type=text]");
    var listbox = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-combobox-status]");
    var hidden = box.querySelector("[data-combobox-value]");
    var chosenList = box.querySelector("[data-combobox-chosen]");
    var url = box.dataset.url;
    if (!input || !listbox || !status || !url) return;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var asked = 0; // the number of the latest request: older answers are dropped
    var shownFor = null; // the text the listbox's suggestions belong to

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[role=option]"));
    }
    function choosable() {
      return options().filter(function (o) { return o.getAttribute("aria-disabled") !== "true"; });
    }
    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }
    function active() {
      var id = input.getAttribute("aria-activedescendant");
      return id ? document.getElementById(id) : null;
    }
    function announce(text) {
      // A change of text is what a live region reports: empty it first so a repeat is heard too.
      status.textContent = "";
      if (text) window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function open() {
      if (!options().length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      setActive(null);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    function setActive(option) {
      options().forEach(function (o) {
        o.setAttribute("aria-selected", o === option ? "true" : "false");
        o.classList.toggle("lotse-combobox__option--active", o === option);
      });
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function move(step) {
      var list = choosable();
      if (!list.length) return;
      var index = list.indexOf(active());
      if (index === -1) index = step > 0 ? 0 : list.length - 1;
      else index = (index + step + list.length) % list.length;
      setActive(list[index]);
    }

    function show(html, query) {
      var fragment = new DOMParser().parseFromString(html, "text/html");
      var answer = fragment.querySelector("[role=listbox]");
      listbox.textContent = "";
      if (!answer) { close(); return; }
      var items = answer.querySelectorAll("[role=option]");
      Array.prototype.forEach.call(items, function (item, i) {
        item.id = listbox.id + "-" + (i + 1);
        item.setAttribute("aria-selected", "false");
        item.removeAttribute("tabindex");
        listbox.appendChild(document.adoptNode(item));
      });
      shownFor = query;
      if (items.length) {
        open();
        setActive(null);
      } else {
        close();
      }
      announce(answer.dataset.announce || "");
    }

    function ask(then) {
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.length < MIN_LENGTH) {
        listbox.textContent = "";
        shownFor = null;
        close();
        return;
      }
      var number = ++asked;
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (number !== asked) return;
          show(html, query);
          if (then) then();
        })
        .catch(function () { /* offline: the box stays a plain text box */ });
    }

    function choose(option) {
      if (!option || option.getAttribute("aria-disabled") === "true") return;
      var uri = option.dataset.uri;
      var label = option.dataset.label;
      var marked = option.querySelector("[lang]");
      if (chosenList && box.dataset.multi) {
        var already = Array.prototype.some.call(chosenList.querySelectorAll("input[type=hidden]"), function (i) {
          return i.value === uri;
        });
        if (!already) {
          var item = document.createElement("li");
          item.appendChild(document.createTextNode(label + " "));
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = box.dataset.multi;
          field.value = uri;
          item.appendChild(field);
          chosenList.appendChild(item);
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
        input.value = "";
        input.removeAttribute("lang");
      } else {
        input.value = label;
        // A label in another language than the page (an ESCO fallback) says which.
        if (marked) input.setAttribute("lang", marked.getAttribute("lang"));
        else input.removeAttribute("lang");
        if (hidden) {
          hidden.value = uri;
          hidden.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
      shownFor = null;
      close();
      listbox.textContent = "";
      announce((box.dataset.chosenText || "") + " " + label);
      input.focus();
    }

    input.addEventListener("input", function () {
      if (hidden) hidden.value = "";
      input.removeAttribute("lang");
      clearTimeout(timer);
      timer = setTimeout(function () { ask(null); }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp": {
          event.preventDefault();
          var step = event.key === "ArrowDown" ? 1 : -1;
          if (event.altKey) {
            if (step > 0) open(); else close();
            return;
          }
          if (isOpen()) { move(step); return; }
          if (options().length && shownFor === input.value.trim()) { open(); move(step); return; }
          ask(function () { open(); move(step); });
          return;
        }
        case "Enter":
          if (!isOpen()) return; // the form submits as usual
          event.preventDefault();
          if (active()) choose(active());
          else close();
          return;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            input.removeAttribute("lang");
            if (hidden) hidden.value = "";
            listbox.textContent = "";
            shownFor = null;
          }
          return;
        case "Tab":
          close();
          return;
        default:
          return;
      }
    });

    input.addEventListener("blur", function () {
      // A click on an option keeps the focus here (mousedown below), so blur means "elsewhere".
      close();
    });
    input.addEventListener("click", function () {
      if (!isOpen() && options().length && shownFor === input.value.trim()) open();
    });

    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep focus (and the open list) in the box
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option && listbox.contains(option)) choose(option);
    });
  }

  function setupAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-combobox]")) setup(scope);
    Array.prototype.forEach.call(scope.querySelectorAll("[data-combobox]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  } else {
    setupAll(document);
  }
  // Fields that arrive later by HTMX (a swapped form part) become comboboxes too.
  document.addEventListener("htmx:load", function (event) { setupAll(event.target); });
})();
