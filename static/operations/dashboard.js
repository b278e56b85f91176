// The operations dashboard's charts (Chart.js, vendored under static/vendor/chartjs). Data comes from the
// page's JSON (json_script "ops-chart-data"); no inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("ops-chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var common = { responsive: true, maintainAspectRatio: false, animation: false };
    new Chart(document.getElementById("chart-bookings"), {
      type: "bar",
      data: {
        labels: data.bookings.date,
        datasets: [
          { label: "Booked", data: data.bookings.booked, backgroundColor: "#417690" },
          { label: "Cancelled", data: data.bookings.cancelled, backgroundColor: "#ba2121" }
        ]
      },
      options: common
    });
    new Chart(document.getElementById("chart-cancellations"), {
      type: "bar",
      data: {
        labels: data.cancellations["cancelled by"],
        datasets: [{ label: "Cancellations", data: data.cancellations.appointments, backgroundColor: "#ba2121" }]
      },
      options: common
    });
    new Chart(document.getElementById("chart-calls"), {
      type: "line",
      data: {
        labels: data.calls.date,
        datasets: [
          { label: "Completed", data: data.calls.completed, borderColor: "#417690" },
          { label: "No-shows", data: data.calls["no-shows"], borderColor: "#ba2121" },
          { label: "Network issues", data: data.calls["network issues reported"], borderColor: "#e6a700" }
        ]
      },
      options: common
    });
    document.documentElement.dataset.chartsDrawn = "true";
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
