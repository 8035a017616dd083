// Kiosk mode on a ward tablet.
// - After an answer, the thank-you page goes back to an empty survey by itself.
// - A survey left half-filled is cleared after a while without touch, so the next person
//   never sees someone else's answers. Before that a notice gives at least 20 seconds
//   and a button to keep going (WCAG 2.2.1, timing adjustable).
(function () {
  var next = document.getElementById("kiosk-next");
  if (next) {
    var seconds = parseInt(next.getAttribute("data-reset-after"), 10) || 20;
    window.setTimeout(function () { window.location.replace(next.href); }, seconds * 1000);
    return;
  }
  var form = document.querySelector("form[data-kiosk-idle]");
  var notice = document.getElementById("kiosk-idle");
  if (!form || !notice) return;
  var idle = (parseInt(form.getAttribute("data-kiosk-idle"), 10) || 240) * 1000;
  var grace = 30 * 1000;
  var warnTimer = null;
  var resetTimer = null;
  function reset() { window.location.replace(form.getAttribute("data-kiosk-home")); }
  function warn() {
    notice.hidden = false;
    notice.querySelector("button").focus();
    resetTimer = window.setTimeout(reset, grace);
  }
  function touched() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(resetTimer);
    notice.hidden = true;
    warnTimer = window.setTimeout(warn, idle);
  }
  ["click", "keydown", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true });
  });
  touched();
})();
