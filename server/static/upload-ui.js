// The uploader's view helpers: strings, elements, queue cards and the link blocks. Plain DOM
// (textContent only, never innerHTML), so a file name or title is always shown as text.
"use strict";

const UP = {};
UP.data = JSON.parse(document.getElementById("page-data").textContent);

/** A catalogue string with `{name}` placeholders filled. */
UP.t = (key, args) => {
  let s = UP.data.strings[key] || key;
  for (const [k, v] of Object.entries(args || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
};

UP.$ = (id) => document.getElementById(id);

/** `el("li", {class: "x", text: "…"}, [children])`. */
UP.el = (tag, attrs, children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children || []) if (c) e.append(c);
  return e;
};

UP.escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
UP.markdownText = (s) => String(s).replace(/[\\[\]]/g, "\\$&").replace(/[\r\n]+/g, " ");

/** The embed codes of one uploaded image (the API's `image` object). */
UP.codes = (img) => {
  const alt = img.title || img.filename || "";
  const thumb = (img.thumb && img.thumb.url) || img.url;
  return {
    viewer: img.url_viewer,
    direct: img.url,
    thumb: thumb,
    markdown: "[![" + UP.markdownText(alt) + "](" + img.url + ")](" + img.url_viewer + ")",
    html: '<a href="' + UP.escapeHtml(img.url_viewer) + '"><img src="' + UP.escapeHtml(img.url) +
      '" alt="' + UP.escapeHtml(alt) + '"></a>',
    bbcode: "[url=" + img.url_viewer + "][img]" + img.url + "[/img][/url]",
    delete: img.delete_url,
  };
};
UP.KINDS = ["viewer", "direct", "thumb", "markdown", "html", "bbcode", "delete"];

let fieldSeq = 0;
/** A labelled read-only field with a copy button. */
UP.codeField = (label, value, multiline) => {
  const id = "code-" + ++fieldSeq;
  const field = multiline
    ? UP.el("textarea", { id, readonly: true, rows: Math.min(12, Math.max(2, value.split("\n").length)) })
    : UP.el("input", { id, type: "text", readonly: true });
  field.value = value;
  const button = UP.el("button", { type: "button", class: "copy", "data-copy": id, "data-copied": UP.t("copied"), text: UP.t("copy") });
  return UP.el("div", { class: "code" }, [UP.el("label", { for: id, text: label }), UP.el("div", { class: "row" }, [field, button])]);
};

/** The card of one queued file; clicking the preview opens its options. */
UP.card = (item, onEdit, onCancel, onRetry, onRemove) => {
  const preview = item.file && item.file.type.startsWith("image/")
    ? UP.el("img", { src: URL.createObjectURL(item.file), alt: "" })
    : UP.el("span", { text: item.file ? "▶" : "🔗" });
  item.dom = {
    name: UP.el("div", { class: "name" }),
    state: UP.el("div", { class: "state", "aria-live": "polite" }),
    bar: UP.el("progress", { max: "100", value: "0" }),
    cancel: UP.el("button", { type: "button", onclick: onCancel, text: UP.t("file.cancel") }),
    retry: UP.el("button", { type: "button", onclick: onRetry, text: UP.t("file.retry") }),
    remove: UP.el("button", { type: "button", onclick: onRemove, text: UP.t("file.remove") }),
  };
  const thumb = UP.el("button", { type: "button", class: "thumb", onclick: onEdit, "aria-label": UP.t("file.edit", { name: item.name }) }, [preview]);
  item.dom.bar.setAttribute("aria-label", item.name);
  item.dom.li = UP.el("li", { "data-state": item.state }, [
    thumb, item.dom.name, item.dom.bar, item.dom.state,
    UP.el("div", { class: "actions" }, [item.dom.cancel, item.dom.retry, item.dom.remove]),
  ]);
  UP.refreshCard(item);
  return item.dom.li;
};

UP.refreshCard = (item) => {
  const d = item.dom;
  if (!d) return;
  d.li.dataset.state = item.state;
  d.name.textContent = item.title || item.name;
  d.name.title = item.name;
  const pct = item.total ? Math.round((100 * item.loaded) / item.total) : 0;
  d.bar.value = item.state === "done" ? 100 : pct;
  const text = {
    ready: UP.t("state.ready"),
    uploading: UP.t("state.uploading", { pct }),
    done: UP.t("state.done"),
    failed: UP.t("state.failed", { reason: item.error || "" }),
    canceled: UP.t("state.canceled"),
  }[item.state];
  d.state.textContent = text;
  d.state.classList.toggle("error", item.state === "failed");
  d.cancel.hidden = item.state !== "uploading";
  d.retry.hidden = item.state !== "failed" && item.state !== "canceled";
  d.remove.hidden = item.state === "uploading" || item.state === "done";
};

/** The results: a block per file and one for the whole batch. */
UP.showResults = (done) => {
  const perFile = UP.$("file-links");
  const batch = UP.$("batch-links");
  perFile.replaceChildren();
  batch.replaceChildren();
  if (done.length === 0) {
    batch.append(UP.el("p", { text: UP.t("done.none") }));
  } else {
    const all = done.map((i) => UP.codes(i.image));
    const group = UP.el("section", { class: "embed" });
    for (const k of UP.KINDS) {
      group.append(UP.codeField(UP.t("links." + k), all.map((c) => c[k]).join("\n"), true));
    }
    batch.append(UP.el("h3", { text: UP.t("links.batch") }), group);
    for (const item of done) {
      const c = UP.codes(item.image);
      const block = UP.el("section", { class: "embed" });
      for (const k of UP.KINDS) block.append(UP.codeField(UP.t("links." + k), c[k], k === "html" || k === "markdown" || k === "bbcode"));
      perFile.append(UP.el("div", { class: "result" }, [
        UP.el("h3", {}, [UP.el("a", { href: item.image.url_viewer, text: item.image.title || item.name })]),
        block,
      ]));
    }
  }
  UP.$("album-create").hidden = done.length === 0;
  UP.$("results").hidden = false;
  upstageWireCopyButtons(UP.$("results"));
};

UP.showErrors = (failed) => {
  const list = UP.$("error-list");
  list.replaceChildren(...failed.map((i) => UP.el("li", {}, [UP.el("strong", { text: i.name }), ": " + i.error])));
  UP.$("errors").hidden = failed.length === 0;
};
