// Draws every chart of templates/includes/chart.html with Chart.js (loaded before this file).
// Each <figure data-chart="ID"> holds a <canvas> and its data in <script id="ID"
// type="application/json"> (Django's json_script), as ims_clinic/charts.py describes it.
(() => {
  "use strict";

  if (typeof Chart === "undefined") {
    return; // Chart.js did not load: the table beside each chart still holds the numbers.
  }

  // Dark enough for a 3:1 contrast on white at least (WCAG 1.4.11), and told apart by the
  // shape of their points and by dashes as well as by colour.
  const COLOURS = ["#0b5563", "#a52834", "#5a3d99", "#7a5200", "#1f6f3a"];
  const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "crossRot"];
  const TEXT = "#212529";
  const REFERENCE = "#495057";
  const GRID = "#dee2e6";

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 1,
  });

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;
  Chart.defaults.color = TEXT;

  // Reference lines (a baseline, an important change) across the whole plot, with their label
  // at the right end: drawn here rather than as datasets so that a chart of one visit has them
  // too, and they stay out of the tooltips.
  const referenceLines = {
    id: "referenceLines",
    afterDatasetsDraw(chart, _args, options) {
      const lines = options.lines || [];
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.strokeStyle = REFERENCE;
      ctx.fillStyle = REFERENCE;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 4]);
      ctx.font = `13px ${Chart.defaults.font.family}`;
      ctx.textAlign = "right";
      const inside = lines
        .map((line) => ({ ...line, pixel: scales.y.getPixelForValue(line.y) }))
        .filter((line) => line.pixel >= chartArea.top - 0.5 && line.pixel <= chartArea.bottom + 0.5)
        .sort((a, b) => a.pixel - b.pixel);
      inside.forEach((line, index) => {
        const y = line.pixel;
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        // Above the line, or below it when it runs along the top of the plot or when the
        // label of the line just above would sit on this one's.
        const crowded = index > 0 && y - inside[index - 1].pixel < 18;
        const above = !crowded && y - chartArea.top > 18;
        ctx.textBaseline = above ? "bottom" : "top";
        ctx.fillText(`${line.label} (${numbers.format(line.y)})`, chartArea.right - 4,
          above ? y - 3 : y + 3);
      });
      ctx.restore();
    },
  };

  function datasets(data) {
    return data.series.map((series, i) => {
      const colour = COLOURS[i % COLOURS.length];
      const dataset = {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: colour,
      };
      if (data.type === "line") {
        Object.assign(dataset, {
          borderWidth: 2.5,
          borderDash: series.dashed ? [8, 5] : [],
          pointStyle: POINT_STYLES[i % POINT_STYLES.length],
          pointRadius: 5,
          pointHoverRadius: 7,
          spanGaps: false,
        });
      }
      return dataset;
    });
  }

  function axisTitle(text) {
    return { display: Boolean(text), text, font: { size: 14, weight: "600" } };
  }

  function options(data) {
    const y = {
      reverse: data.reverse,
      title: axisTitle(data.yLabel),
      grid: { color: GRID },
      ticks: { precision: 0 },
    };
    if (data.yMin !== null) {
      y.min = data.yMin;
    }
    if (data.yMax !== null) {
      y.max = data.yMax;
    }
    return {
      responsive: true,
      maintainAspectRatio: false, // the height is the box's, from site.css
      // Sharp on paper and on high-density screens.
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
      animation: reducedMotion.matches ? false : { duration: 400 },
      interaction: { mode: "index", intersect: false },
      scales: {
        // Each label in the middle of its own slot, the first one clear of the y axis.
        x: {
          offset: true,
          title: axisTitle(data.xLabel),
          grid: { color: GRID, display: data.type === "line" },
        },
        y,
      },
      plugins: {
        legend: {
          position: "top",
          labels: { usePointStyle: data.type === "line", boxWidth: 12, boxHeight: 10 },
        },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${numbers.format(item.parsed.y)}`,
          },
        },
        referenceLines: { lines: data.referenceLines },
      },
    };
  }

  const charts = [];
  for (const figure of document.querySelectorAll("figure[data-chart]")) {
    const source = document.getElementById(figure.dataset.chart);
    const canvas = figure.querySelector("canvas");
    if (!source || !canvas) {
      continue;
    }
    const data = JSON.parse(source.textContent);
    charts.push(
      new Chart(canvas, {
        type: data.type,
        data: { labels: data.labels, datasets: datasets(data) },
        options: options(data),
        plugins: [referenceLines],
      }),
    );
  }

  // Drawn again at the printed page's width, and back at the screen's after.
  const resizeAll = () => charts.forEach((chart) => chart.resize());
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  reducedMotion.addEventListener("change", () => {
    for (const chart of charts) {
      chart.options.animation = reducedMotion.matches ? false : { duration: 400 };
    }
  });
})();
