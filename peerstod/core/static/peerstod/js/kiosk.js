// Kiosk mode: after an answer the tablet goes back to an empty survey by itself, so the
// next person never sees the previous person's thank-you page for long.
(function () {
  var next = document.getElementById("kiosk-next");
  if (!next) return;
  var seconds = parseInt(next.getAttribute("data-reset-after"), 10) || 20;
  window.setTimeout(function () { window.location.replace(next.href); }, seconds * 1000);
})();
