"""The web front in a real Chromium against a real `upstage serve`: uploads (file chooser and
paste), per-file options, progress, links, copy, albums, the viewer (portrait aspect, animated
GIF, NSFW blur), Danish, screenshots at 1280x900 and 390x844, and axe-core on every page.

Run by tests/web_ui.rs: python3 web_ui.py BIN AXE_JS OUT_DIR. Exits non-zero on any failure."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from playwright.sync_api import expect, sync_playwright

BIN, AXE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
XSS = '<script>alert(1)</script> "q" & æøå'
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
checks = []


def check(cond, what):
    checks.append(what)
    if not cond:
        raise AssertionError(what)
    print("ok:", what, flush=True)


def shows(locator, text):
    """The element's text becomes `text` within 5 s (the page updates after events it queues)."""
    try:
        expect(locator).to_have_text(text, timeout=5000)
        return True
    except AssertionError:
        return False


def convert(out, *args):
    subprocess.run(["convert", *args, out], check=True)
    return out


def make_files(d):
    files = [
        convert(f"{d}/portrait.jpg", "-size", "1200x1800", "gradient:navy-orange"),
        convert(f"{d}/animated.gif", "-delay", "20", "-size", "240x180", "xc:red", "xc:lime", "xc:blue"),
        convert(f"{d}/nsfw.png", "-size", "800x600", "plasma:fractal"),
        convert(f"{d}/wide.jpg", "-size", "1600x900", "gradient:white-teal"),
        convert(f"{d}/small.png", "-size", "300x200", "xc:purple"),
    ]
    paste = convert(f"{d}/pasted.png", "-size", "320x240", "xc:gold")
    return files, paste


def start_server(tmp):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, UPSTAGE_DATA_DIR=f"{tmp}/data", HOME=tmp, UPSTAGE_LOG="warn")
    env.pop("UPSTAGE_CONFIG", None)
    p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}"], cwd=tmp, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, key, deadline = "", None, time.time() + 60
    while "Upstage listening on" not in out:
        line = p.stdout.readline()
        if not line and (p.poll() is not None or time.time() > deadline):
            raise RuntimeError("upstage serve did not start: " + out)
        out += line
        m = re.search(r"chv_\S+", line)
        key = key or (m and m.group(0))
    return p, f"http://127.0.0.1:{port}", key


def axe(browser, url, name, dark=False):
    ctx = browser.new_context(bypass_csp=True, color_scheme="dark" if dark else "light")
    page = ctx.new_page()
    page.goto(url)
    page.add_script_tag(path=AXE)
    v = page.evaluate("axe.run(document).then(r => r.violations.map(v => [v.id, v.nodes.map(n => n.target.join(' '))]))")
    check(v == [], f"axe: no violations on {name}{' (dark)' if dark else ''}: {v}")
    ctx.close()


def shots(browser, url, name):
    for label, (w, h) in SIZES.items():
        ctx = browser.new_context(viewport={"width": w, "height": h})
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        path = f"{OUT}/{name}-{label}.png"
        page.screenshot(path=path, full_page=True)
        print("screenshot:", path)
        ctx.close()


def upload_batch(page, key, files, paste):
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError("a script dialog opened: " + d.message)))
    page.fill("#api-key", key)
    page.click("#key-save")
    with page.expect_file_chooser() as fc:
        page.click("#browse")
    fc.value.set_files(files)
    with open(paste, "rb") as f:
        data = list(f.read())
    page.evaluate("""(bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], "pasted.png", {type: "image/png"}));
        document.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true}));
    }""", data)
    check(page.locator("#queue li").count() == 6, "5 files by the file chooser and 1 by paste are queued")
    return page


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="upstage-web-ui-")
    files, paste = make_files(tmp)
    server, base, key = start_server(tmp)
    try:
        run(base, key, files, paste)
    finally:
        server.terminate()
        server.wait(30)
    print(f"{len(checks)} passed, 0 failed")
    print("artifacts:", OUT)


def run(base, key, files, paste):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = ctx.new_page()
        page.goto(base + "/")
        check(page.title().endswith("Upstage"), "the site name is in the title")
        upload_batch(page, key, files, paste)
        # Per-file options from the preview: the portrait's title, the third file's NSFW flag.
        page.locator("#queue li .thumb").nth(0).click()
        page.fill("#f-title", XSS)
        page.click("#f-close")
        # The dialog's `close` event, which updates the card, is dispatched after the click returns.
        check(shows(page.locator("#queue li .name").nth(0), XSS), "the new title shows on the card, as text")
        page.locator("#queue li .thumb").nth(2).click()
        page.check("#f-nsfw")
        page.click("#f-close")
        page.click("#start")
        progress = page.inner_text("#progress-text")
        check(re.fullmatch(r"Uploading 6 files \(\d+% done\)", progress) is not None, f"progress shows: {progress}")
        page.wait_for_selector("#results:not([hidden])", timeout=60000)
        check(page.locator("#errors").is_hidden(), "no file failed")
        check(page.inner_text("#progress-text") == "Uploading 6 files (100% done)", "progress ends at 100%")
        check(page.locator("#file-links .result").count() == 6, "links for each of the 6 files")
        first = page.locator("#file-links .result").nth(0)
        viewer_field = first.locator("input").nth(0)
        first.locator("button.copy").nth(0).click()
        copied = page.evaluate("navigator.clipboard.readText()")
        check(copied == viewer_field.input_value() and copied.startswith(base), f"a link is copied: {copied}")
        links = [page.locator("#file-links .result h3 a").nth(i).get_attribute("href") for i in range(6)]
        deletes = page.locator("#batch-links textarea").nth(6).input_value().split("\n")
        # A new album with the batch.
        page.fill("#album-name", XSS)
        page.click("#album-create-btn")
        page.wait_for_selector("#album-link")
        album = page.get_attribute("#album-link", "href")
        page.goto(album)
        check(page.locator(".grid li").count() == 6, "the album page shows the 6 uploads")
        check(page.inner_text("h1") == XSS, "the album name renders as text")
        check(XSS in page.locator(".grid").inner_text(), "the XSS title renders as text in the album grid")
        viewer_checks(browser, links)
        # The "Deleted" page, and its way home.
        page.goto(deletes[4])
        page.click("button.danger")
        check(page.inner_text("h1") == "Deleted", "the delete form deletes")
        deleted_url = page.url
        check(page.locator("main a[href='/']").count() == 1, "the Deleted page links home")
        danish(browser, base, key, files[4])
        for name, url in [("home", base + "/"), ("viewer", links[0]), ("viewer-nsfw", links[2]),
                          ("album", album), ("api", base + "/api")]:
            shots(browser, url, name)
            axe(browser, url, name)
        axe(browser, base + "/", "home", dark=True)
        axe(browser, links[2], "NSFW viewer", dark=True)
        axe(browser, deletes[3], "delete confirmation", dark=True)
        axe(browser, deletes[3], "delete confirmation")
        # The Deleted page answers a POST; axe it as rendered after the form.
        c = browser.new_context(bypass_csp=True)
        p = c.new_page()
        p.goto(deletes[3])
        p.click("button.danger")
        p.add_script_tag(path=AXE)
        v = p.evaluate("axe.run(document).then(r => r.violations.map(v => v.id))")
        check(v == [], f"axe: no violations on the Deleted page: {v}")
        p.screenshot(path=f"{OUT}/deleted-desktop.png")
        c.close()
        browser.close()


def viewer_checks(browser, links):
    for label, (w, h) in SIZES.items():
        ctx = browser.new_context(viewport={"width": w, "height": h})
        page = ctx.new_page()
        page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError("script ran: " + d.message)))
        page.goto(links[0])
        page.wait_for_function("document.querySelector('#media img').complete")
        box = page.locator("#media img").bounding_box()
        ratio = box["width"] / box["height"]
        check(abs(ratio / (1200 / 1800) - 1) < 0.01, f"{label}: the portrait keeps its aspect ({box['width']}x{box['height']})")
        check(page.inner_text("h1") == XSS, f"{label}: the XSS title is text on the viewer")
        if label == "phone":
            fig = page.locator("#media").bounding_box()
            inner = page.evaluate("document.documentElement.clientWidth")
            check(fig["x"] <= 0.5 and abs(fig["width"] - inner) <= 1, f"phone: the picture is edge to edge ({fig}, {inner})")
        page.goto(links[1])
        src = page.get_attribute("#media img", "src")
        body = page.request.get(src).body()
        frames = body.count(b"\x21\xf9\x04")
        check(".md." not in src and frames > 1, f"{label}: the animated GIF is served with {frames} frames")
        page.goto(links[2])
        blur = page.eval_on_selector("#media img", "e => getComputedStyle(e).filter")
        check("blur" in blur, f"{label}: the NSFW image is blurred ({blur})")
        check(page.locator("meta[property='og:image']").count() == 0, "NSFW: no og:image")
        check(page.get_attribute("meta[name=robots]", "content").startswith("noindex"), "NSFW: noindex")
        page.click("button[data-reveal]")
        check(page.eval_on_selector("#media img", "e => getComputedStyle(e).filter") == "none", "NSFW click-through")
        ctx.close()


def danish(browser, base, key, file):
    ctx = browser.new_context(extra_http_headers={"Accept-Language": "da"})
    page = ctx.new_page()
    page.goto(base + "/")
    check(page.get_attribute("html", "lang") == "da", "Accept-Language: da gives a Danish page")
    check(page.inner_text("h1") == "Upload billeder og videoer", "the Danish heading")
    page.fill("#api-key", key)
    page.click("#key-save")
    with page.expect_file_chooser() as fc:
        page.click("#browse")
    fc.value.set_files([file])
    page.click("#start")
    text = page.inner_text("#progress-text")
    check(re.fullmatch(r"Uploader 1 files \(\d+% færdig\)", text) is not None, f"Danish progress: {text}")
    page.wait_for_selector("#results:not([hidden])")
    check(page.inner_text("#results-title") == "Upload gennemført", "Danish: Upload gennemført")
    page.click("footer a[lang=en]")
    check(page.get_attribute("html", "lang") == "en", "the language switch goes to English")
    ctx.close()


if __name__ == "__main__":
    main()
