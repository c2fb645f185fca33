/* Charts from data in the page (CSP allows no inline script): every
   <canvas data-chart="ID"> is drawn from the JSON in <script type="application/json" id="ID">,
   a Chart.js configuration ({type, data, options}). The same figures are always in a table
   next to the chart (see core/_chart.html) for screen readers and for copying. */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.animation = false;
    if (canvas._chart) {
      canvas._chart.destroy();
    }
    canvas._chart = new Chart(canvas, config);
  }
  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  // Live pages refresh fragments through htmx: redraw the charts they bring.
  document.addEventListener("htmx:afterSwap", function (event) {
    drawAll(event.target);
  });
})();
