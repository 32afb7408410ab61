/* Verbund: small behaviours the templates declare with data attributes, so that no page needs
   inline script or style under the Content-Security-Policy (script-src 'self', style-src 'self').
   The hierarchy tree's own behaviours are in hierarchies/static/hierarchies/tree.js.
   - data-remove-closest="form": a click removes the closest such element (cancel a panel);
   - data-colour="#rrggbb": the element's background (set through the DOM, which CSP allows);
   - data-menu-toggle: opens and closes the top bar's menu on narrow screens (Escape closes it);
   - data-filter-toggle: opens and closes a list's folded filters (its closest [data-filter-panel])
     on narrow screens;
   - data-kind-form / data-kind-only: a party form shows a person's or a company's fields. */
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function setMenu(toggle, open) {
    var bar = toggle.closest(".topbar");
    if (!bar) return;
    bar.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var toggle = document.querySelector("[data-menu-toggle][aria-expanded=true]");
    if (toggle) {
      setMenu(toggle, false);
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) setMenu(toggle, toggle.getAttribute("aria-expanded") !== "true");
    var filters = event.target.closest("[data-filter-toggle]");
    var panel = filters && filters.closest("[data-filter-panel]");
    if (panel) {
      var open = !panel.classList.contains("filters-open");
      panel.classList.toggle("filters-open", open);
      filters.setAttribute("aria-expanded", open ? "true" : "false");
    }
    var remover = event.target.closest("[data-remove-closest]");
    if (remover) {
      var gone = remover.closest(remover.dataset.removeClosest);
      if (gone) gone.remove();
    }
  });

  function paint(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var found = scope.querySelectorAll("[data-colour]");
    for (var i = 0; i < found.length; i++) {
      var colour = found[i].dataset.colour;
      if (COLOUR.test(colour)) found[i].style.backgroundColor = colour;
    }
    if (scope.matches && scope.matches("[data-colour]") && COLOUR.test(scope.dataset.colour)) {
      scope.style.backgroundColor = scope.dataset.colour;
    }
  }

  /* data-kind-only="person" (or "organisation"): shown only while the form's select[name=kind]
     says so. Hidden fields keep their values and are still sent: nothing typed is lost. A part
     holding an error stays shown, or the form would refuse what the user cannot see. */
  function showKind(form) {
    var select = form.querySelector("select[name=kind]");
    if (!select) return;
    var parts = form.querySelectorAll("[data-kind-only]");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden =
        parts[i].dataset.kindOnly !== select.value && !parts[i].querySelector(".errorlist");
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name=kind]")) {
      var form = event.target.closest("form");
      if (form) showKind(form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    paint(document);
    var forms = document.querySelectorAll("form[data-kind-form]");
    for (var i = 0; i < forms.length; i++) showKind(forms[i]);
  });
  document.addEventListener("htmx:load", function (event) { paint(event.target); });
})();

/* File inputs speak the page's language: the browser's own "Choose Files / No file chosen" follows
   the browser's locale. Each input[type=file] gets a button and the chosen names beside it; the
   input stays in the form (focusable, required still checked), only out of sight. The words come
   from the body's data-file-choose / data-file-none (translated in the base template). */
(function () {
  "use strict";

  function enhance(scope) {
    var root = scope && scope.querySelectorAll ? scope : document;
    var body = document.body;
    if (!body || !body.dataset.fileChoose) return;
    var inputs = root.querySelectorAll("input[type=file]:not([data-file-enhanced])");
    for (var i = 0; i < inputs.length; i++) {
      (function (input) {
        input.setAttribute("data-file-enhanced", "");
        input.classList.add("file-input-hidden");
        var box = document.createElement("span");
        box.className = "file-picker";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-small";
        button.textContent = body.dataset.fileChoose;
        button.setAttribute("data-testid", "file-choose");
        var names = document.createElement("span");
        names.className = "file-names muted small";
        names.textContent = body.dataset.fileNone || "";
        button.addEventListener("click", function () { input.click(); });
        input.addEventListener("change", function () {
          var chosen = [];
          for (var k = 0; k < input.files.length; k++) chosen.push(input.files[k].name);
          names.textContent = chosen.length ? chosen.join(", ") : (body.dataset.fileNone || "");
        });
        input.parentNode.insertBefore(box, input.nextSibling);
        box.appendChild(button);
        box.appendChild(names);
      })(inputs[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
