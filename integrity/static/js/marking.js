// The juror's marking form: running totals per task and for the work as points are typed, and
// the keys listed on the page, which work while the cursor is in a points field:
// PgDn / PgUp next and previous page, Alt + / Alt − zoom, Enter next field (Shift+Enter back),
// Ctrl+S save the draft. Without script the server shows the saved totals and nothing is lost.
(function () {
  "use strict";
  var form = document.querySelector("form[data-marking]");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-task]"));
  var viewer = document.querySelector("[data-viewer]");

  // Half-point units of what is typed, or 0 while it is not yet points (as on the server).
  function units(text) {
    var typed = (text || "").trim();
    if (!/^[0-9]{1,4}(?:[.,][05])?$/.test(typed)) { return 0; }
    return Math.round(parseFloat(typed.replace(",", ".")) * 2);
  }

  function points(u) { return (u % 2 === 0) ? String(u / 2) : Math.floor(u / 2) + ".5"; }

  function recount() {
    var perTask = {};
    var all = 0;
    inputs.forEach(function (input) {
      var u = units(input.value);
      perTask[input.dataset.task] = (perTask[input.dataset.task] || 0) + u;
      all += u;
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-task-total]"), function (out) {
      out.textContent = points(perTask[out.getAttribute("data-task-total")] || 0);
    });
    var total = form.querySelector("[data-work-total]");
    if (total) { total.textContent = points(all); }
  }

  function press(selector) {
    var button = viewer ? viewer.querySelector(selector) : null;
    if (button) { button.click(); }
  }

  function move(from, step) {
    var next = inputs[inputs.indexOf(from) + step];
    if (next) { next.focus(); next.select(); return; }
    var save = form.querySelector("[data-save]");
    if (step > 0 && save) { save.focus(); }
  }

  form.addEventListener("input", recount);
  window.addEventListener("keydown", function (event) {
    var inField = inputs.indexOf(event.target) >= 0;
    var handled = true;
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      var save = form.querySelector("[data-save]");
      if (save) { save.click(); }
    } else if (event.altKey && (event.key === "+" || event.key === "=")) {
      press("[data-zoom-in]");
    } else if (event.altKey && (event.key === "-" || event.key === "−")) {
      press("[data-zoom-out]");
    } else if (inField && event.key === "PageDown") {
      press("[data-next]");
    } else if (inField && event.key === "PageUp") {
      press("[data-prev]");
    } else if (inField && event.key === "Enter") {
      move(event.target, event.shiftKey ? -1 : 1);
    } else {
      handled = false;
    }
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  recount();
})();
