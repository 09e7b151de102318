/* Draw each figure of the monitoring dashboard with Chart.js (served locally).
   The data come from a <script type="application/json"> next to each canvas; the same numbers
   stand in the table below the chart for screen readers and for people who prefer numbers. */
(function () {
  "use strict";
  var palette = ["#0b5394", "#e69138", "#6aa84f", "#a61c00", "#674ea7", "#45818e", "#bf9000", "#999999"];

  function draw(canvas) {
    var source = document.getElementById(canvas.id + "-data");
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var doughnut = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (set, i) {
      return {
        label: set.label,
        data: set.data,
        backgroundColor: doughnut ? palette : palette[i % palette.length],
        borderWidth: doughnut ? 1 : 0
      };
    });
    if (spec.target !== null && spec.target !== undefined) {
      datasets.push({
        type: "line", label: spec.targetLabel, data: spec.labels.map(function () { return spec.target; }),
        borderColor: "#a61c00", borderDash: [6, 4], pointRadius: 0, fill: false
      });
    }
    new Chart(canvas, {
      type: doughnut ? "doughnut" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: doughnut || datasets.length > 1 } },
        scales: doughnut ? {} : {
          x: { stacked: spec.type === "stacked" },
          y: { stacked: spec.type === "stacked", beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }

  function init() {
    document.querySelectorAll(".monitoring-chart canvas").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
