// The plan editor's cost estimate follows the plan: after htmx swaps the plan panel (#plan: a changed length,
// sessions a week or item), the card is fetched again from its data-refresh address. Loaded again with every
// card, so it listens once only.
(function () {
  if (window.rugpadCostsListening) return;
  window.rugpadCostsListening = true;
  document.addEventListener("htmx:afterSettle", function (event) {
    var card = document.getElementById("costs-estimate");
    var detail = event.detail || {};
    var swapped = [detail.target, detail.elt].some(function (el) { return el && el.id === "plan"; });
    if (!card || !swapped || !window.htmx) return;
    window.htmx.ajax("GET", card.dataset.refresh, { target: "#costs-estimate", swap: "outerHTML" });
  });
})();
