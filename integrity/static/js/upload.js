// Scan upload: drag and drop, resumable upload in chunks without leaving the page (tus, see
// integrity/uploads). Each file's row shows its transfer from the first byte (MB sent of all,
// percent), then its reading (pages read of all); the round's page totals move with it. The page
// polls the round's progress (scans.round_progress) while anything travels or is read, so a file
// sent from another tab or by a colleague shows too. Without JavaScript the form still works: it
// posts the files whole and the page reloads.
(function () {
  "use strict";

  var list, totalsBox, progressUrl, labels = {};
  var polling = false, sawBusy = false, reloadTimer = null;
  var POLL_MS = 700;

  // Once every file is read the page reloads to show the server's view (the queue link, the
  // freeze button). A person who follows a link meanwhile must not be pulled back by it.
  function scheduleReload() {
    if (reloadTimer === null) {
      reloadTimer = window.setTimeout(function () { window.location.reload(); }, 600);
    }
  }
  window.addEventListener("beforeunload", function () {
    if (reloadTimer !== null) { window.clearTimeout(reloadTimer); }
  });

  // One decimal, with the page's decimal sign (given by the server: a browser may not know kk's).
  function megabytes(bytes) {
    return (Math.floor(bytes / 104857.6) / 10).toFixed(1).replace(".", labels.decimal || ".");
  }

  function sentText(sent, total) {
    var words = labels.sent.replace("%(sent)s", megabytes(sent)).replace("%(total)s", megabytes(total));
    return words + " (" + Math.floor(100 * sent / (total || 1)) + "%)";
  }

  function addRow(file) {
    var empty = list.querySelector("tr.empty");
    if (empty) { empty.remove(); }
    var row = document.createElement("tr");
    var name = document.createElement("td");
    name.textContent = file;
    var progress = document.createElement("td");
    var bar = document.createElement("progress");
    bar.max = 1;
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

  function show(row, max, value, text, state, status) {
    var bar = row.querySelector("progress");
    bar.max = max || 1;
    bar.value = value;
    bar.textContent = text;
    row.querySelector("[data-progress-text]").textContent = text;
    if (state !== null) { row.querySelector("[data-upload-state]").textContent = state; }
    row.setAttribute("data-status", status);
  }

  function rowWith(name, value) {
    var rows = list.querySelectorAll("tr[" + name + "]");
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].getAttribute(name) === String(value)) { return rows[i]; }
    }
    return null;
  }

  // A file this page sends, before the server's answer named its transfer.
  function unnamedHere(file) {
    var rows = list.querySelectorAll("tr[data-local=sending]:not([data-transfer])");
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].cells[0].textContent === file) { return rows[i]; }
    }
    return null;
  }

  function sendingHere() {
    return list.querySelector("tr[data-local=sending]") !== null;
  }

  function showTotals(totals) {
    if (!totalsBox) { return; }
    while (totalsBox.firstChild) { totalsBox.removeChild(totalsBox.firstChild); }
    totals.forEach(function (pair) {
      var term = document.createElement("dt");
      term.textContent = pair[0];
      var value = document.createElement("dd");
      value.textContent = pair[1];
      totalsBox.appendChild(term);
      totalsBox.appendChild(value);
    });
  }

  function apply(data) {
    data.transfers.forEach(function (t) {
      var row = rowWith("data-transfer", t.id) || unnamedHere(t.file);
      if (!row) { row = addRow(t.file); }
      row.setAttribute("data-transfer", t.id);
      if (row.getAttribute("data-local") === "sending") { return; }  // this page's own bytes are fresher
      show(row, t.length, t.sent, t.text, t.state_label, t.state === "receiving" ? "sending" : "storing");
    });
    data.uploads.forEach(function (u) {
      var row = rowWith("data-upload-id", u.id) || (u.via && rowWith("data-transfer", u.via));
      if (!row) {
        if (u.status === "done" || u.status === "failed") { return; }  // shown as the page loaded
        row = addRow(u.file);
      }
      row.setAttribute("data-upload-id", u.id);
      row.removeAttribute("data-local");
      if (!row.cells[0].querySelector("a")) {  // the file's report, as on a row the server drew
        var link = document.createElement("a");
        link.href = u.report;
        link.textContent = u.file;
        row.cells[0].textContent = "";
        row.cells[0].appendChild(link);
      }
      show(row, u.pages_total, u.pages_done, u.text,
        u.status_label + (u.error ? ": " + u.error : ""), u.status);
    });
    showTotals(data.totals);
    return data.busy;
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    function tick() {
      fetch(progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var busy = apply(data) || sendingHere();
          if (busy) {
            sawBusy = true;
            window.setTimeout(tick, POLL_MS);
            return;
          }
          polling = false;
          if (sawBusy && !list.querySelector("tr[data-status=failed][data-local]")) { scheduleReload(); }
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-upload-form]");
    list = document.querySelector("[data-upload-list]");
    totalsBox = document.querySelector("[data-page-totals]");
    if (!list) { return; }
    progressUrl = list.getAttribute("data-progress-url");
    if (list.querySelector("[data-status=queued], [data-status=processing], [data-status=sending], [data-status=storing]")) {
      poll();
    }
    if (!form) { return; }
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
    labels = JSON.parse(form.getAttribute("data-labels"));
    var csrf = form.querySelector("input[name=csrf_token]").value;

    // What became of a file once all of it arrived: taken (the round's progress shows its
    // reading), known already, or refused with the server's reason.
    function verdictOf(uploadUrl, row) {
      var id = uploadUrl.split("/").pop();
      var url = form.getAttribute("data-verdict-url").replace("__id__", id);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.state === "finishing" || data.state === "receiving") {
            window.setTimeout(function () { verdictOf(uploadUrl, row); }, POLL_MS);
            return;
          }
          if (data.state === "done" && data.result) {
            if (!data.result["new"]) {
              row.querySelector("[data-upload-state]").textContent = labels.known;
              row.setAttribute("data-status", "done");
              scheduleReload();
              return;
            }
            if (!row.hasAttribute("data-upload-id")) { row.setAttribute("data-upload-id", data.result.upload_id); }
            poll();
            return;
          }
          row.setAttribute("data-status", "failed");
          row.querySelector("[data-upload-state]").textContent = (data.result && data.result.message) || data.error || labels.failed;
        })
        .catch(function () { window.setTimeout(function () { verdictOf(uploadUrl, row); }, 2000); });
    }

    function send(file) {
      var row = addRow(file.name);
      row.setAttribute("data-local", "sending");
      show(row, file.size, 0, sentText(0, file.size), labels.sending, "sending");
      var upload = new window.tus.Upload(file, {
        endpoint: form.getAttribute("data-tus-endpoint"),
        chunkSize: parseInt(form.getAttribute("data-chunk-size"), 10),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, purpose: "scans", round_id: form.getAttribute("data-round-id") },
        headers: { "X-CSRFToken": csrf },
        onUploadUrlAvailable: function () {
          row.setAttribute("data-transfer", upload.url.split("/").pop());
        },
        onProgress: function (sent, total) {
          show(row, total, sent, sentText(sent, total), null, "sending");
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
            row.querySelector("[data-upload-state]").textContent = labels.resuming;
            return true;
          }
          return false;
        },
        onError: function (err) {
          var message = labels.failed;
          try { message = JSON.parse(err.originalResponse.getBody()).error || message; } catch (ignored) { /* no answer */ }
          row.setAttribute("data-status", "failed");
          row.setAttribute("data-local", "failed");
          row.querySelector("[data-upload-state]").textContent = message;
        },
        onSuccess: function () {
          if (row.getAttribute("data-local") === "sending") {
            row.setAttribute("data-local", "sent");
            row.setAttribute("data-status", "storing");
            row.querySelector("[data-upload-state]").textContent = labels.storing;
          }
          verdictOf(upload.url, row);
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
        upload.start();
      });
      poll();
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      Array.prototype.forEach.call(input.files, send);
      input.value = "";
    });
  });
})();
