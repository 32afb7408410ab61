/* Verbund: small behaviours the templates declare with data attributes, so that no page needs
   inline script or style under the Content-Security-Policy (script-src 'self', style-src 'self').
   - data-remove-closest="form": a click removes the closest such element (cancel a panel);
   - data-toggle-collapsed="li": a click toggles the class "collapsed" on the closest such element;
   - data-opened-label="▾": after its HTMX request the element shows this text and is disabled;
   - data-colour="#rrggbb": the element's background (set through the DOM, which CSP allows). */
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  document.addEventListener("click", function (event) {
    var remover = event.target.closest("[data-remove-closest]");
    if (remover) {
      var gone = remover.closest(remover.dataset.removeClosest);
      if (gone) gone.remove();
      return;
    }
    var toggle = event.target.closest("[data-toggle-collapsed]");
    if (toggle) {
      var item = toggle.closest(toggle.dataset.toggleCollapsed);
      if (item) item.classList.toggle("collapsed");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.dataset && elt.dataset.openedLabel) {
      elt.textContent = elt.dataset.openedLabel;
      elt.disabled = true;
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

  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:load", function (event) { paint(event.target); });
})();
