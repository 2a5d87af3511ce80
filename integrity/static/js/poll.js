// A page with work under way marks itself with data-poll="SECONDS" (instead of a timed refresh,
// which moves a screen reader's place and is refused by accessibility checks). This script asks
// for the page again every few seconds: while the work goes on it updates only the parts marked
// data-live (by id), quietly; once the fetched page no longer carries data-poll, the work is done
// and the page is loaded once, in full. Without script the page offers a link to refresh it.
(function () {
  "use strict";
  var marker = document.querySelector("[data-poll]");
  if (!marker) {
    return;
  }
  var seconds = Math.max(1, parseInt(marker.getAttribute("data-poll"), 10) || 3);
  function later() {
    window.setTimeout(tick, seconds * 1000);
  }
  function tick() {
    fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          later();
          return;
        }
        var next = new DOMParser().parseFromString(html, "text/html");
        if (!next.querySelector("[data-poll]")) {
          window.location.reload();
          return;
        }
        document.querySelectorAll("[data-live][id]").forEach(function (part) {
          var fresh = next.getElementById(part.id);
          if (fresh && fresh.innerHTML !== part.innerHTML) {
            part.innerHTML = fresh.innerHTML;
          }
        });
        later();
      })
      .catch(later);
  }
  document.querySelectorAll("[data-poll-fallback]").forEach(function (link) {
    link.hidden = true; // the script refreshes; the link is for pages without it
  });
  later();
})();
