// The uploader: queue, per-file and batch options, parallel XHR uploads to /api/1/upload with
// progress, cancel and retry, the error report, links, and albums. See upload-ui.js for the view.
"use strict";

(() => {
  const { t, $, data } = UP;
  const KEY = "upstage.apiKey";
  const PARALLEL = 3;
  const items = [];
  let seq = 0;
  let run = null; // the items of the batch being uploaded, and its album

  // --- API key: kept in this browser, sent as X-API-Key, clearable.
  const apiKey = () => localStorage.getItem(KEY) || "";
  function showKeyState() {
    const has = apiKey() !== "";
    $("key-state").textContent = has ? t("auth.saved") : "";
    $("key-clear").hidden = !has;
    $("api-key").value = "";
    if (has) loadAlbums();
  }
  $("key-save").addEventListener("click", () => {
    const v = $("api-key").value.trim();
    if (v) localStorage.setItem(KEY, v);
    showKeyState();
  });
  $("key-clear").addEventListener("click", () => {
    localStorage.removeItem(KEY);
    showKeyState();
  });
  // The visitor's own key, else the site's public guest key (when guests may upload).
  const sentKey = () => apiKey() || data.guestKey || "";
  const headers = () => (sentKey() ? { "X-API-Key": sentKey() } : {});

  // --- Albums of the key's owner, for the batch option.
  async function loadAlbums() {
    try {
      const r = await fetch(data.albums, { headers: headers() });
      if (!r.ok) return;
      const body = await r.json();
      const select = $("batch-album");
      select.querySelectorAll("option[data-album]").forEach((o) => o.remove());
      for (const a of body.albums || []) {
        select.append(UP.el("option", { value: a.id_encoded, "data-album": "1", text: a.name }));
      }
    } catch (_) {
      /* no albums offered: uploads still work */
    }
  }
  $("batch-album").addEventListener("change", () => {
    $("batch-album-new-row").hidden = $("batch-album").value !== "new";
  });

  async function createAlbum(name, ids) {
    const form = new URLSearchParams({ name });
    if (ids.length) form.set("images", ids.join(","));
    const r = await fetch(data.albums, { method: "POST", headers: headers(), body: form });
    const body = await r.json().catch(() => ({}));
    if (!r.ok || !body.album) throw new Error((body.error && body.error.message) || t("errors.http", { status: r.status }));
    return body.album;
  }

  // --- Adding files: browse, drop, paste, URL.
  function add(file, url) {
    const item = { id: ++seq, file, url, name: file ? file.name || "pasted.png" : url, title: "", description: "", nsfw: null, expiration: "", state: "ready", loaded: 0, total: file ? file.size : 0 };
    items.push(item);
    $("queue").append(UP.card(item, () => edit(item), () => cancel(item), () => retry(item), () => remove(item)));
    $("customize").hidden = false;
    $("start").disabled = false;
  }
  const addFiles = (files) => Array.from(files || []).forEach((f) => add(f, null));
  $("browse").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (e) => {
    addFiles(e.target.files);
    e.target.value = "";
  });
  const zone = $("dropzone");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    addFiles(e.dataTransfer.files);
  });
  document.addEventListener("paste", (e) => {
    if (e.target.closest && e.target.closest("input, textarea")) return;
    const files = Array.from(e.clipboardData ? e.clipboardData.items : [])
      .filter((i) => i.kind === "file")
      .map((i) => i.getAsFile())
      .filter(Boolean);
    if (files.length) {
      e.preventDefault();
      addFiles(files);
    }
  });
  if ($("url-add")) {
    $("url-add").addEventListener("click", () => {
      const v = $("url-input").value.trim();
      if (v) add(null, v);
      $("url-input").value = "";
    });
  }

  // --- Per-file options, in a dialog opened from the preview.
  let editing = null;
  function edit(item) {
    editing = item;
    $("file-dialog-title").textContent = t("file.options", { name: item.name });
    $("f-title").value = item.title;
    $("f-description").value = item.description;
    $("f-expiration").value = item.expiration;
    $("f-nsfw").checked = item.nsfw === null ? $("batch-nsfw").checked : item.nsfw;
    $("file-dialog").showModal();
  }
  $("file-dialog").addEventListener("close", () => {
    if (!editing) return;
    editing.title = $("f-title").value.trim();
    editing.description = $("f-description").value;
    editing.expiration = $("f-expiration").value;
    editing.nsfw = $("f-nsfw").checked;
    UP.refreshCard(editing);
    editing = null;
  });

  function remove(item) {
    items.splice(items.indexOf(item), 1);
    item.dom.li.remove();
    $("start").disabled = !items.some((i) => i.state === "ready");
  }

  // --- Uploading.
  function send(item) {
    item.state = "uploading";
    item.loaded = 0;
    item.error = "";
    UP.refreshCard(item);
    const form = new FormData();
    if (item.file) form.append("source", item.file, item.name);
    else form.append("source", item.url);
    if (item.title) form.append("title", item.title);
    if (item.description) form.append("description", item.description);
    const nsfw = item.nsfw === null ? $("batch-nsfw").checked : item.nsfw;
    form.append("nsfw", nsfw ? "1" : "0");
    const exp = item.expiration || $("batch-expiration").value;
    if (exp) form.append("expiration", exp);
    if (run.album) form.append("album_id", run.album.id_encoded);
    form.append("format", "json");
    const xhr = new XMLHttpRequest();
    item.xhr = xhr;
    xhr.open("POST", data.endpoint);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        item.loaded = e.loaded;
        item.total = e.total;
        UP.refreshCard(item);
        progress();
      }
    };
    const finish = (state, error) => {
      item.state = state;
      item.error = error || "";
      item.xhr = null;
      if (state === "done") item.loaded = item.total;
      UP.refreshCard(item);
      progress();
      pump();
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (_) {
        /* not JSON: reported by status below */
      }
      if (xhr.status === 200 && body && body.image) {
        item.image = body.image;
        finish("done");
      } else {
        finish("failed", (body && body.error && body.error.message) || t("errors.http", { status: xhr.status }));
      }
    };
    xhr.onerror = () => finish("failed", t("errors.network"));
    xhr.onabort = () => finish("canceled");
    xhr.send(form);
  }

  function progress() {
    if (!run) return;
    const total = run.items.reduce((a, i) => a + (i.total || 1), 0);
    const loaded = run.items.reduce((a, i) => a + (i.state === "done" || i.state === "failed" || i.state === "canceled" ? i.total || 1 : i.loaded), 0);
    const pct = total ? Math.floor((100 * loaded) / total) : 0;
    $("progress-text").textContent = t("upload.progress", { n: run.items.length, pct });
    $("progress-bar").value = pct;
  }

  function pump() {
    if (!run) return;
    const active = run.items.filter((i) => i.state === "uploading").length;
    const next = run.items.filter((i) => i.state === "ready").slice(0, Math.max(0, PARALLEL - active));
    next.forEach(send);
    if (active === 0 && next.length === 0) settle();
  }

  function settle() {
    const done = items.filter((i) => i.state === "done");
    const failed = items.filter((i) => i.state === "failed");
    UP.showErrors(failed);
    UP.showResults(done);
    if (run.album) {
      $("album-result").replaceChildren(t("album.added", { album: run.album.name }) + " ", UP.el("a", { href: run.album.url, text: t("album.open") }));
    }
    $("cancel-all").hidden = true;
    $("retry-failed").hidden = !items.some((i) => i.state === "failed" || i.state === "canceled");
    $("clear").hidden = false;
    $("start").disabled = !items.some((i) => i.state === "ready");
  }

  $("start").addEventListener("click", async () => {
    if (!data.guest && !apiKey()) {
      $("key-state").textContent = t("auth.missing");
      $("api-key").focus();
      return;
    }
    const ready = items.filter((i) => i.state === "ready");
    if (!ready.length) return;
    run = { items: ready, album: run ? run.album : null };
    const choice = $("batch-album").value;
    try {
      if (choice === "new" && $("batch-album-new").value.trim()) {
        run.album = await createAlbum($("batch-album-new").value.trim(), []);
      } else if (choice && choice !== "new") {
        const o = $("batch-album").selectedOptions[0];
        run.album = { id_encoded: choice, name: o.textContent, url: null };
      }
    } catch (e) {
      UP.showErrors([{ name: t("batch.album"), error: e.message }]);
      return;
    }
    $("start").disabled = true;
    $("cancel-all").hidden = false;
    $("progress").hidden = false;
    progress();
    pump();
  });
  function cancel(item) {
    if (item.xhr) item.xhr.abort();
  }
  function retry(item) {
    item.state = "ready";
    UP.refreshCard(item);
    if (run && !run.items.includes(item)) run.items.push(item);
    if (run && run.items.some((i) => i.state === "uploading")) pump();
    else $("start").disabled = false;
  }
  $("cancel-all").addEventListener("click", () => items.forEach((i) => {
    if (i.state === "ready" && run && run.items.includes(i)) i.state = "canceled";
    cancel(i);
    UP.refreshCard(i);
  }));
  $("retry-failed").addEventListener("click", () => {
    items.filter((i) => i.state === "failed" || i.state === "canceled").forEach(retry);
    $("start").click();
  });
  $("clear").addEventListener("click", () => {
    items.filter((i) => i.state !== "uploading").forEach(remove);
    ["results", "errors", "progress", "clear", "retry-failed"].forEach((id) => ($(id).hidden = true));
    run = null;
  });

  // --- A new album with what was just uploaded.
  $("album-create-btn").addEventListener("click", async () => {
    const done = items.filter((i) => i.state === "done");
    const name = $("album-name").value.trim() || new Date().toISOString().slice(0, 16).replace("T", " ");
    try {
      const album = await createAlbum(name, done.map((i) => i.image.id_encoded));
      $("album-result").replaceChildren(t("album.added", { album: album.name }) + " ", UP.el("a", { href: album.url, id: "album-link", text: t("album.open") }));
    } catch (e) {
      $("album-result").textContent = e.message;
    }
  });

  if (window.matchMedia("(pointer: coarse)").matches) $("customize").textContent = t("home.customize_touch");
  showKeyState();
})();
