// The browse filter answers through htmx with the results and, out of band, the list of what is
// wrong with it (employers/_browse_filter_errors.html); the fields themselves are not redrawn
// while the person types. This keeps each field's own state in step with that list: a field named
// there is marked invalid and described by its line in the list, and a field no longer named
// loses the marks and any error the full page had drawn beside it.
(function () {
  "use strict";

  function tokens(element, name) {
    return (element.getAttribute(name) || "").split(/\s+/).filter(Boolean);
  }

  function setTokens(element, name, list) {
    if (list.length) {
      element.setAttribute(name, list.join(" "));
    } else {
      element.removeAttribute(name);
    }
  }

  function sync() {
    var form = document.querySelector(".lotse-browse-filter");
    var region = document.getElementById("browse-filter-errors");
    if (!form || !region) {
      return;
    }
    var wrong = {};
    region.querySelectorAll("a[href^='#']").forEach(function (link) {
      wrong[link.getAttribute("href").slice(1)] = link.closest("li");
    });
    form.querySelectorAll("input[id], select[id], textarea[id]").forEach(function (field) {
      var id = field.id;
      var described = tokens(field, "aria-describedby").filter(function (token) {
        return token !== id + "_summary";
      });
      if (wrong[id]) {
        wrong[id].id = id + "_summary";
        field.setAttribute("aria-invalid", "true");
        described.push(id + "_summary");
      } else {
        field.removeAttribute("aria-invalid");
        described = described.filter(function (token) {
          return token !== id + "_error";
        });
        var drawn = document.getElementById(id + "_error");
        if (drawn) {
          drawn.remove();
        }
        var wrapper = field.closest(".kern-form-input--error");
        if (wrapper) {
          wrapper.classList.remove("kern-form-input--error");
        }
      }
      setTokens(field, "aria-describedby", described);
    });
  }

  document.addEventListener("htmx:afterSettle", sync);
})();
