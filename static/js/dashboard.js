/* Draw the dashboard's charts from the same /api/v1/stats/ endpoints partners use. */
(function () {
  "use strict";
  var palette = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#3d85c6", "#cc0000"];
  // Labels in the interface language, written by the page (the API answers codes and names).
  var text = JSON.parse(document.getElementById("chart-text").textContent);

  function name(record) {
    return (text.lang !== "en" && record["name_" + text.lang]) || record.name;
  }

  function label(row) {
    if (row.commodity) return name(row.commodity);
    if (row.company) return name(row.company);
    if (row.deposit) return name(row.deposit);
    if (row.year !== undefined) return row.year + (row.quarter ? " Q" + row.quarter : "");
    if (row.month) return row.month.slice(0, 7);
    if (row.host_country) return (row.investor_country || "?") + " → " + row.host_country;
    if (row.agreement_status) {
      return (text.kinds[row.agreement_kind] || row.agreement_kind) + " / " +
             (text.statuses[row.agreement_status] || row.agreement_status);
    }
    return "?";
  }

  function datasets(stat, rows) {
    var bn = function (v) { return Number(v || 0) / 1e9; };
    if (stat === "deal-pipeline") {
      return [{ label: text.series.agreements, data: rows.map(function (r) { return r.agreement_count; }),
                backgroundColor: palette[0] }];
    }
    if (stat === "monthly-activity") {
      return [
        { label: text.series.agreements_signed, data: rows.map(function (r) { return r.agreements_signed; }),
          backgroundColor: palette[0] },
        { label: text.series.events, data: rows.map(function (r) { return r.events; }),
          backgroundColor: palette[1] },
        { label: text.series.amounts_announced, data: rows.map(function (r) { return r.amounts_announced; }),
          backgroundColor: palette[2] }
      ];
    }
    return [
      { label: text.series.committed, data: rows.map(function (r) { return bn(r.committed_usd); }),
        backgroundColor: palette[0] },
      { label: text.series.financing,
        data: rows.map(function (r) { return bn(r.financing_usd); }), backgroundColor: palette[1] }
    ];
  }

  function draw(canvas) {
    var stat = canvas.getAttribute("data-stat");
    fetch("/api/v1/stats/" + stat + "/", { credentials: "same-origin",
                                           headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var rows = body.results || [];
        if (stat === "monthly-activity") {
          rows = rows.slice().sort(function (a, b) { return a.month < b.month ? -1 : 1; });
        }
        new window.Chart(canvas, {
          type: "bar",
          data: { labels: rows.map(label), datasets: datasets(stat, rows) },
          options: { responsive: true, maintainAspectRatio: false, animation: false }
        });
        canvas.setAttribute("data-drawn", "true");
      });
  }

  document.querySelectorAll("canvas[data-stat]").forEach(draw);
})();
