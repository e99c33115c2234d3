// Draws the plotly charts the server rendered as data (telesales/charts.py): each container
// [data-figure] names a <script type="application/json"> holding its figure, and carries its
// config. Runs on page load and on every fragment htmx swaps in, so no page needs an inline script.
// A point whose trace carries customdata (an address on this site, kpis/charts.py) opens the
// records behind it when clicked: the drill-down.
function drillAddress(point) {
  var url = point && point.customdata;
  // Only a path on this site: never another origin ("//host") or a scheme ("javascript:").
  return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
}

htmx.onLoad(function (root) {
  var containers = Array.from(root.querySelectorAll("[data-figure]"));
  if (root.matches("[data-figure]")) {
    containers.unshift(root);
  }
  containers.forEach(function (container) {
    var figure = JSON.parse(document.getElementById(container.dataset.figure).textContent);
    Plotly.newPlot(container, figure.data, figure.layout, JSON.parse(container.dataset.config)).then(function () {
      var linked = figure.data.some(function (trace) { return Array.isArray(trace.customdata); });
      if (!linked) {
        return;
      }
      container.classList.add("drillable");
      container.on("plotly_click", function (event) {
        var url = drillAddress(event.points[0]);
        if (url) {
          window.location.assign(url);
        }
      });
    });
  });
});
