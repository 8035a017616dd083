// On a phone the main menu folds behind one button, so the page starts near the top of
// the screen. Without this script the whole list shows (nothing is ever out of reach).
(function () {
  "use strict";
  var nav = document.querySelector(".main-nav");
  var button = nav && nav.querySelector(".menu-button");
  var list = nav && nav.querySelector("ul");
  if (!button || !list) {
    return;
  }
  nav.classList.add("folding");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.classList.toggle("open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      list.classList.remove("open");
      button.focus();
    }
  });
})();
