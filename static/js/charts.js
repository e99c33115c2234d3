// Draws the plotly charts the server rendered as data (telesales/charts.py): each container
// [data-figure] names a <script type="application/json"> holding its figure, and carries its
// config. Runs on page load and on every fragment htmx swaps in, so no page needs an inline script.
htmx.onLoad(function (root) {
  var containers = Array.from(root.querySelectorAll("[data-figure]"));
  if (root.matches("[data-figure]")) {
    containers.unshift(root);
  }
  containers.forEach(function (container) {
    var figure = JSON.parse(document.getElementById(container.dataset.figure).textContent);
    Plotly.newPlot(container, figure.data, figure.layout, JSON.parse(container.dataset.config));
  });
});
