// Draws the plotly charts the server rendered as data (telesales/charts.py): each container
// [data-figure] names a <script type="application/json"> holding its figure, and carries its
// config. Runs on page load and on every fragment htmx swaps in, so no page needs an inline script.
// A point whose trace carries customdata (an address on this site, kpis/charts.py) opens the
// records behind it when clicked: the drill-down.
//
// The chart library (about 1 MB) is fetched after the page's load event, from the addresses this
// script's tag names (data-plotly, data-plotly-locale): the figures, tables and forms are usable
// at once and the charts are drawn when the library arrives (issue 15: pages load in under 1 s).
(function () {
  var tag = document.currentScript;
  var library = null;

  function drillAddress(point) {
    var url = point && point.customdata;
    // Only a path on this site: never another origin ("//host") or a scheme ("javascript:").
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function script(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function plotly() {
    if (library === null) {
      library = window.Plotly ? Promise.resolve() : script(tag.dataset.plotly).then(function () {
        return tag.dataset.plotlyLocale ? script(tag.dataset.plotlyLocale) : null;
      });
    }
    return library;
  }

  function afterLoad(fn) {
    if (document.readyState === "complete") {
      fn();
    } else {
      window.addEventListener("load", fn, { once: true });
    }
  }

  function draw(container) {
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
  }

  htmx.onLoad(function (root) {
    var containers = Array.from(root.querySelectorAll("[data-figure]"));
    if (root.matches("[data-figure]")) {
      containers.unshift(root);
    }
    if (!containers.length) {
      return;
    }
    afterLoad(function () {
      plotly().then(function () { containers.forEach(draw); });
    });
  });
})();
