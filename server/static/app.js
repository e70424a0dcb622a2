// Shared page behaviour: copy buttons and the NSFW click-through. Loaded from this origin only
// (the Content-Security-Policy allows no inline script); pages work without it.
"use strict";

/** Copy `text` to the clipboard; falls back to a selected field where the API is missing. */
async function upstageCopy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (_) {
      return false;
    }
  }
}

/** Show "Copied" on a copy button for a moment. */
function upstageCopied(button, ok) {
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.textContent = ok ? (button.dataset.copied || "✓") : label;
  button.classList.toggle("copied", ok);
  setTimeout(() => {
    button.textContent = label;
    button.classList.remove("copied");
  }, 1500);
}

function upstageWireCopyButtons(root) {
  root.querySelectorAll("button[data-copy]").forEach((b) => {
    if (b.dataset.wired) return;
    b.dataset.wired = "1";
    b.hidden = false;
    b.addEventListener("click", async () => {
      const field = document.getElementById(b.dataset.copy);
      if (!field) return;
      upstageCopied(b, await upstageCopy(field.value, field));
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  upstageWireCopyButtons(document);
  document.querySelectorAll("button[data-reveal]").forEach((b) => {
    b.addEventListener("click", () => {
      const el = document.getElementById(b.dataset.reveal);
      if (el) el.classList.add("revealed");
    });
  });
});
