// Scan upload: drag and drop, upload without leaving the page, and a progress bar per file.
// Without JavaScript the form still works: it posts and the page reloads.
(function () {
  "use strict";

  // Once every file is read the page reloads to show the server's view (the queue link, the
  // freeze button). A person who follows a link meanwhile must not be pulled back by it.
  var reloadTimer = null;
  function scheduleReload() {
    if (reloadTimer === null) {
      reloadTimer = window.setTimeout(function () { window.location.reload(); }, 600);
    }
  }
  window.addEventListener("beforeunload", function () {
    if (reloadTimer !== null) { window.clearTimeout(reloadTimer); }
  });

  function poll(row) {
    var url = row.getAttribute("data-upload");
    var bar = row.querySelector("progress");
    var text = row.querySelector("[data-progress-text]");
    var state = row.querySelector("[data-upload-state]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          bar.max = data.pages_total || 1;
          bar.value = data.pages_done;
          text.textContent = data.pages_done + "/" + (data.pages_total || "?");
          state.textContent = (data.status_label || data.status) + (data.error ? ": " + data.error : "");
          row.setAttribute("data-status", data.status);
          if (data.status === "done" || data.status === "failed") {
            if (!document.querySelector("[data-upload][data-status=queued], [data-upload][data-status=processing]")) {
              scheduleReload();
            }
            return;
          }
          window.setTimeout(tick, 700);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  function addRow(list, item) {
    var empty = list.querySelector("tr.empty");
    if (empty) { empty.remove(); }
    var row = document.createElement("tr");
    row.setAttribute("data-upload", "/scans/uploads/" + item.id + ".json");
    row.setAttribute("data-status", "queued");
    var name = document.createElement("td");
    name.textContent = item.file;
    var progress = document.createElement("td");
    var bar = document.createElement("progress");
    bar.max = item.pages || 1;
    bar.value = 0;
    var text = document.createElement("span");
    text.className = "muted";
    text.setAttribute("data-progress-text", "");
    progress.appendChild(bar);
    progress.appendChild(document.createTextNode(" "));
    progress.appendChild(text);
    var state = document.createElement("td");
    state.setAttribute("data-upload-state", "");
    row.appendChild(name);
    row.appendChild(progress);
    row.appendChild(state);
    list.insertBefore(row, list.firstChild);
    return row;
  }

  function showErrors(form, refused) {
    var box = form.querySelector(".upload-errors");
    if (!box) {
      box = document.createElement("div");
      box.className = "flash flash-error upload-errors";
      box.setAttribute("role", "alert");
      form.appendChild(box);
    }
    box.textContent = refused.map(function (r) { return r.message; }).join(" ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-upload-form]");
    var list = document.querySelector("[data-upload-list]");
    document.querySelectorAll("[data-upload][data-status=queued], [data-upload][data-status=processing]").forEach(poll);
    if (!form || !list) { return; }
    var input = form.querySelector("input[type=file]");

    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (e) { e.preventDefault(); form.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () { form.classList.remove("dragging"); });
    });
    form.addEventListener("drop", function (e) {
      e.preventDefault();
      input.files = e.dataTransfer.files;
      form.requestSubmit();
    });

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          button.disabled = false;
          input.value = "";
          if (data.refused && data.refused.length) { showErrors(form, data.refused); }
          (data.accepted || []).forEach(function (item) { poll(addRow(list, item)); });
        })
        .catch(function () { button.disabled = false; form.submit(); });
    });
  });
})();
