// Charts of the supervisor dashboard (Chart.js, static/vendor/chartjs). Each <canvas
// data-chart="…" data-source="ID"> is drawn from the JSON in <script type="application/json"
// id="ID"> (json_script) once it is in the page: on load, and whenever htmx swaps in the board
// or one of its sections (the trend loads beside the board). Every chart has its data table.
(function () {
  "use strict";

  var COLORS = {
    received: "#1a5fb4",
    resolutions: "#26a269",
    compliance: "#9d2449",
    backlog: "#1a5fb4",
    breached: "#c01c28"
  };
  var charts = [];

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toLocaleString("es-MX") + " %";
  }

  function percentTick(value) {
    return value + " %";
  }

  // Group names on the bar axis are cut to fit (the tooltip and the table give them whole).
  function shortLabel(value) {
    var label = String(this.getLabelForValue(value));
    return label.length > 30 ? label.slice(0, 29) + "…" : label;
  }

  function options(extra) {
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: "es-MX",
      plugins: { legend: { position: "bottom" } }
    };
    Object.keys(extra).forEach(function (key) { result[key] = extra[key]; });
    return result;
  }

  var DRAWERS = {
    trend: function (canvas, data) {
      var text = data.text;
      return new window.Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            { type: "bar", label: text.received, data: data.received, backgroundColor: COLORS.received,
              yAxisID: "y", maxBarThickness: 24 },
            { type: "bar", label: text.resolutions, data: data.resolutions, backgroundColor: COLORS.resolutions,
              yAxisID: "y", maxBarThickness: 24 },
            { type: "line", label: text.compliance + " (%)", data: data.compliance, borderColor: COLORS.compliance,
              backgroundColor: COLORS.compliance, yAxisID: "pct", spanGaps: true, pointRadius: 2 }
          ]
        },
        options: options({
          interaction: { mode: "index", intersect: false },
          scales: {
            y: { beginAtZero: true, ticks: { precision: 0 } },
            pct: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
                   ticks: { callback: percentTick } }
          }
        })
      });
    },
    compliance: function (canvas, data) {
      return new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: data.text.compliance + " (%)", data: data.compliance,
                       backgroundColor: COLORS.compliance, maxBarThickness: 28 }]
        },
        options: options({
          indexAxis: "y",
          scales: {
            x: { min: 0, max: 100, ticks: { callback: percentTick } },
            y: { ticks: { callback: shortLabel } }
          },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: function (item) { return percent(item.raw); } } }
          }
        })
      });
    },
    backlog: function (canvas, data) {
      return new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.text.backlog, data: data.backlog, backgroundColor: COLORS.backlog, maxBarThickness: 20 },
            { label: data.text.breached, data: data.breached, backgroundColor: COLORS.breached, maxBarThickness: 20 }
          ]
        },
        options: options({
          indexAxis: "y",
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0 } },
            y: { ticks: { callback: shortLabel } }
          }
        })
      });
    }
  };

  function draw() {
    if (typeof window.Chart === "undefined") return;
    // Charts whose canvas htmx swapped out are released.
    charts = charts.filter(function (chart) {
      if (document.body.contains(chart.canvas)) return true;
      chart.destroy();
      return false;
    });
    // Canvases carry data-chart, not ids: htmx copies the attributes of same-id elements
    // across a swap, and Chart.js's sizes would then be set as style attributes (CSP).
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var drawer = DRAWERS[canvas.getAttribute("data-chart")];
      var source = document.getElementById(canvas.getAttribute("data-source"));
      if (!drawer || !source || window.Chart.getChart(canvas)) return;
      charts.push(drawer(canvas, JSON.parse(source.textContent)));
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  // Back and forward: the board is not kept in htmx's history cache (hx-history="false", so no
  // copy of Chart.js's sized canvases is ever parsed back under the CSP); htmx fetches the page.
  document.addEventListener("htmx:historyRestore", draw);
})();
