// The survey a question at a time, with "Question 3 of 12" and Back / Next.
// Progressive enhancement: without this script the whole form is one page and works the
// same. Nothing is stored in the browser; the answers stay in the one form until sent.
(function () {
  "use strict";
  var form = document.querySelector("form.survey[data-paged]");
  if (!form) return;
  // A step is a numbered question; a free-text field goes with the question before it,
  // so that "Question 12 of 12" is the last of the twelve.
  var steps = [];
  Array.prototype.forEach.call(form.children, function (element) {
    if (element.matches("fieldset.question") || (element.matches("div.field") && !steps.length)) {
      steps.push([element]);
    } else if (element.matches("div.field")) {
      steps[steps.length - 1].push(element);
    }
  });
  var progress = form.querySelector(".survey-progress");
  var pager = form.querySelector(".survey-pager");
  var submit = form.querySelector("button[type=submit]");
  if (steps.length < 2 || !progress || !pager || !submit) return;
  var back = pager.querySelector("[data-step='back']");
  var next = pager.querySelector("[data-step='next']");
  var words = progress.getAttribute("data-template");
  var current = 0;

  function show(index, focus) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) {
      step.forEach(function (element) { element.hidden = i !== current; });
    });
    progress.textContent = words
      .replace("%(n)s", String(current + 1))
      .replace("%(total)s", String(steps.length));
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    submit.hidden = current !== steps.length - 1;
    if (focus) {
      var first = steps[current][0];
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }

  function stepOf(element) {
    for (var i = 0; i < steps.length; i += 1) {
      for (var j = 0; j < steps[i].length; j += 1) {
        if (steps[i][j].contains(element)) return i;
      }
    }
    return -1;
  }

  back.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  // Enter in an answer goes to the next question, not the form's only button.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT" && current < steps.length - 1) {
      event.preventDefault();
      show(current + 1, true);
    }
  });
  // A link in the error summary shows the question it points to.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    var index = target ? stepOf(target) : -1;
    if (index >= 0) show(index, false);
  });

  form.classList.add("paged");
  progress.hidden = false;
  pager.hidden = false;
  var firstError = form.querySelector(".has-error");
  show(firstError ? Math.max(stepOf(firstError), 0) : 0, false);
})();
