// The page queue's zoom: a corner or a page opens over the queue by its #fragment (see
// scans/queue.html; it works without this script). Here: Escape closes it, and a click on the
// opened image switches between the screen's width and the scan's own pixels; saying the page is
// upside down turns its corners and page over, so the printed digits read the right way up.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("[data-zoom]:target");
    if (!open) { return; }
    var close = open.querySelector(".zoom-close");
    if (close) { close.click(); }
  });
  document.addEventListener("click", function (event) {
    var image = event.target;
    if (image && image.hasAttribute && image.hasAttribute("data-zoom-image")) {
      image.classList.toggle("actual-size");
    }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.name !== "turns") { return; }
    var item = select.closest("[data-page]");
    if (item) { item.setAttribute("data-turns", select.value); }
  });
})();
