// The juror's page viewer: page through with ← →, zoom with + −. No network, no framework.
(function () {
  "use strict";
  var viewer = document.querySelector("[data-viewer]");
  if (!viewer) { return; }
  var pages = Array.prototype.slice.call(viewer.querySelectorAll("[data-page]"));
  var counter = viewer.querySelector("[data-counter]");
  var current = 0;
  var zoom = 1;

  function show(index) {
    if (!pages.length) { return; }
    current = (index + pages.length) % pages.length;
    pages.forEach(function (img, i) { img.hidden = i !== current; });
    if (counter) { counter.textContent = (current + 1) + " / " + pages.length; }
  }

  function scale(factor) {
    zoom = Math.min(4, Math.max(0.5, zoom * factor));
    pages.forEach(function (img) { img.style.width = (zoom * 100) + "%"; });
  }

  function on(selector, handler) {
    var button = viewer.querySelector(selector);
    if (button) { button.addEventListener("click", handler); }
  }

  on("[data-prev]", function () { show(current - 1); });
  on("[data-next]", function () { show(current + 1); });
  on("[data-zoom-in]", function () { scale(1.25); });
  on("[data-zoom-out]", function () { scale(0.8); });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) { return; }
    if (event.key === "ArrowRight" || event.key === "PageDown") { show(current + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft" || event.key === "PageUp") { show(current - 1); event.preventDefault(); }
    else if (event.key === "+" || event.key === "=") { scale(1.25); }
    else if (event.key === "-") { scale(0.8); }
  });
  show(0);
})();
