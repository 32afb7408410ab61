/* The hierarchy view: open and close nodes (children load once, with HTMX), close all, and
   step through the search hits marked in the tree. No inline handlers: everything is
   delegated from the document. */
(function () {
  "use strict";

  function setOpen(li, open) {
    li.classList.toggle("collapsed", !open);
    li.setAttribute("aria-expanded", open ? "true" : "false");
    var button = li.querySelector(":scope > .node-row > [data-tree-toggle]");
    if (button) {
      button.textContent = open ? "\u25be" : "\u25b8";
      button.classList.toggle("open", open);
      var label = open ? button.dataset.labelCollapse : button.dataset.labelExpand;
      if (label) button.setAttribute("aria-label", label);
    }
  }

  function toggle(button) {
    var li = button.closest("li");
    if (!li) return;
    if (!button.dataset.labelExpand) {
      // Remember both labels (rendered in the page's language) before the first change.
      var tree = button.closest("[data-tree-labels]");
      button.dataset.labelExpand = tree ? tree.dataset.expand : "";
      button.dataset.labelCollapse = tree ? tree.dataset.collapse : "";
    }
    var group = li.querySelector(":scope > ul[role=group]");
    if (group) {
      setOpen(li, li.classList.contains("collapsed"));
      return;
    }
    var url = li.dataset.childrenUrl;
    if (!url || button.classList.contains("loading") || !window.htmx) return;
    button.classList.add("loading");
    window.htmx.ajax("GET", url, { target: li, swap: "beforeend" }).then(function () {
      button.classList.remove("loading");
      setOpen(li, true);
    });
  }

  function collapseAll(tree) {
    tree.querySelectorAll("li.node").forEach(function (li) {
      if (li.parentElement === tree) return; // the ultimate parent stays open
      if (li.querySelector(":scope > ul[role=group]")) setOpen(li, false);
    });
  }

  var hitIndex = -1;
  function nextHit() {
    var hits = document.querySelectorAll(".tree li.node.hit");
    if (!hits.length) return;
    hits.forEach(function (h) { h.classList.remove("hit-focus"); });
    hitIndex = (hitIndex + 1) % hits.length;
    var hit = hits[hitIndex];
    // Open everything above the hit (the user may have closed it).
    for (var li = hit.parentElement.closest("li.node"); li; li = li.parentElement.closest("li.node")) {
      if (li.classList.contains("collapsed")) setOpen(li, true);
    }
    hit.classList.add("hit-focus");
    hit.scrollIntoView({ block: "center" });
    var link = hit.querySelector(":scope > .node-row .node-name");
    if (link) link.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("[data-tree-toggle]");
    if (button) { event.preventDefault(); toggle(button); return; }
    if (target.closest("[data-tree-collapse-all]")) {
      var tree = document.querySelector(".tree[role=tree]");
      if (tree) collapseAll(tree);
      return;
    }
    if (target.closest("[data-tree-next-hit]")) nextHit();
  });
})();
