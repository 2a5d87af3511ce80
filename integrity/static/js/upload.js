// Scan upload: drag and drop, resumable upload in chunks without leaving the page (tus, see
// integrity/uploads), a progress bar per file while it is sent and while its pages are read.
// Without JavaScript the form still works: it posts the files whole and the page reloads.
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

    // With tus (integrity.uploads): each file goes in chunks, each a short request; a dropped
    // connection is retried from the server's offset, and the same file chosen again after a
    // reload continues where it stopped. Without it, the form posts the files whole.
    if (!(window.tus && window.tus.isSupported)) { return; }
    var labels = JSON.parse(form.getAttribute("data-labels"));
    var csrf = form.querySelector("input[name=csrf_token]").value;

    function verdictOf(uploadUrl, row) {
      var id = uploadUrl.split("/").pop();
      var url = form.getAttribute("data-verdict-url").replace("__id__", id);
      var state = row.querySelector("[data-upload-state]");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.state === "finishing" || data.state === "receiving") {
            state.textContent = labels.storing;
            window.setTimeout(function () { verdictOf(uploadUrl, row); }, 700);
            return;
          }
          if (data.state === "done" && data.result) {
            if (!data.result["new"]) {
              state.textContent = labels.known;
              row.setAttribute("data-status", "done");
              scheduleReload();
              return;
            }
            row.setAttribute("data-upload", form.getAttribute("data-progress-url").replace("__id__", String(data.result.upload_id)));
            row.setAttribute("data-status", "queued");
            poll(row);
            return;
          }
          row.setAttribute("data-status", "failed");
          state.textContent = (data.result && data.result.message) || data.error || labels.failed;
        })
        .catch(function () { window.setTimeout(function () { verdictOf(uploadUrl, row); }, 2000); });
    }

    function send(file) {
      var row = addRow(list, { id: 0, file: file.name, pages: 0 });
      row.setAttribute("data-status", "sending");
      row.removeAttribute("data-upload");
      var bar = row.querySelector("progress");
      var text = row.querySelector("[data-progress-text]");
      var state = row.querySelector("[data-upload-state]");
      state.textContent = labels.sending;
      var upload = new window.tus.Upload(file, {
        endpoint: form.getAttribute("data-tus-endpoint"),
        chunkSize: parseInt(form.getAttribute("data-chunk-size"), 10),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, purpose: "scans", round_id: form.getAttribute("data-round-id") },
        headers: { "X-CSRFToken": csrf },
        onProgress: function (sent, total) {
          bar.max = total || 1;
          bar.value = sent;
          text.textContent = Math.floor(100 * sent / (total || 1)) + "%";
        },
        // A resumed upload is the same file for the same round: another round's page starts anew.
        fingerprint: function (f) {
          return Promise.resolve(["integrity", form.getAttribute("data-round-id"), f.name, f.type,
            f.size, f.lastModified].join("-"));
        },
        onShouldRetry: function (err, attempt, options) {
          var status = err.originalResponse ? err.originalResponse.getStatus() : 0;
          var method = err.originalRequest ? err.originalRequest.getMethod() : "";
          if (status === 0 || status >= 500 || status === 423 || (status === 409 && method === "PATCH")) {
            state.textContent = labels.resuming;
            return true;
          }
          return false;
        },
        onError: function (err) {
          var message = labels.failed;
          try { message = JSON.parse(err.originalResponse.getBody()).error || message; } catch (ignored) { /* no answer */ }
          row.setAttribute("data-status", "failed");
          state.textContent = message;
        },
        onSuccess: function () {
          state.textContent = labels.storing;
          verdictOf(upload.url, row);
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
        upload.start();
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      Array.prototype.forEach.call(input.files, send);
      input.value = "";
    });
  });
})();
