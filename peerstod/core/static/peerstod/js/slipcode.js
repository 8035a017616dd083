// The QR code on a survey slip opens /enkat/#abcd-efgh. The part after # never leaves
// the phone; this puts it in the code field, takes it out of the address (so that it is
// not kept in the history) and sends the form, which posts the code.
(function () {
  "use strict";
  var code = decodeURIComponent(window.location.hash.slice(1)).replace(/[^0-9A-Za-z-]/g, "");
  if (!code) {
    return;
  }
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  var form = document.getElementById("slip-code");
  var field = form && form.querySelector("input[name=code]");
  if (!field || field.value) {
    return;
  }
  field.value = code;
  form.submit();
})();
