/* Verbund: the few behaviours HTMX does not cover. No external code.

   The party picker (web/party_picker.html lists the parties found; each is a [data-pick-id]).
   A picker is the closest .picker around the list, else its form; in it:
   - the field that takes the chosen id: [data-pick-value], else input[name=other] (the
     relationship and move panels' forms);
   - [data-picked] shows the chosen party: its name, number and city, or only its name and
     number where the picker says data-pick-short (a list's filter); [data-pick-clear] empties
     the picker again and shows [data-picked]'s data-picked-none;
   - the box the user types into: [data-pick-query], else input[name=other_query]. A box with
     data-pick-query has no name, so that a GET filter form does not send it along; it sends its
     text to the picker as other_query itself, and Enter in it chooses the first party found. */
(function () {
  "use strict";

  function parts(inside) {
    var box = inside.closest(".picker") || inside.closest("form");
    if (!box) return null;
    return {
      box: box,
      value: box.querySelector("[data-pick-value]") || box.querySelector("input[name=other]"),
      shown: box.querySelector("[data-picked]"),
      query: box.querySelector("[data-pick-query]") || box.querySelector("input[name=other_query]"),
      clear: box.querySelector("[data-pick-clear]")
    };
  }

  function choose(pick) {
    var p = parts(pick);
    if (!p || !p.value) return;
    p.value.value = pick.dataset.pickId;
    if (p.shown) {
      var short = p.box.hasAttribute("data-pick-short") && pick.dataset.pickShort;
      p.shown.textContent = short || pick.dataset.pickLabel;
      p.shown.classList.add("chosen");
    }
    if (p.clear) p.clear.hidden = false;
    var results = pick.closest(".picker-results");
    if (results) results.remove();
    if (p.query) p.query.value = "";
  }

  function clear(button) {
    var p = parts(button);
    if (!p || !p.value) return;
    p.value.value = "";
    if (p.shown) {
      p.shown.textContent = p.shown.dataset.pickedNone || "";
      p.shown.classList.remove("chosen");
    }
    button.hidden = true;
    if (p.query) p.query.focus();
  }

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick-id]");
    if (pick) return choose(pick);
    var button = event.target.closest("[data-pick-clear]");
    if (button) clear(button);
  });

  /* Enter in a filter's picker box chooses the first party found rather than sending the
     filters without the name typed (the box itself is not sent). */
  document.addEventListener("keydown", function (event) {
    var query = event.target.closest && event.target.closest("[data-pick-query]");
    if (!query || event.key !== "Enter" || !query.value.trim()) return;
    event.preventDefault();
    var p = parts(query);
    var first = p && p.box.querySelector(".picker-results [data-pick-id]");
    if (first) choose(first);
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("[data-pick-query]")) {
      event.detail.parameters.other_query = elt.value;
    }
  });
})();
