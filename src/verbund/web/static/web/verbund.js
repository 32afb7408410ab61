/* Verbund: the few behaviours HTMX does not cover. No external code. */
document.addEventListener("click", function (event) {
  var pick = event.target.closest("[data-pick-id]");
  if (!pick) return;
  var form = pick.closest("form");
  if (!form) return;
  form.querySelector("input[name=other]").value = pick.dataset.pickId;
  var shown = form.querySelector("[data-picked]");
  if (shown) { shown.textContent = pick.dataset.pickLabel; shown.classList.add("chosen"); }
  var results = pick.closest(".picker-results");
  if (results) results.remove();
  var query = form.querySelector("input[name=other_query]");
  if (query) query.value = "";
});
