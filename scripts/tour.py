"""The screenshot tour's browser part (``scripts/tour`` loads and serves the demo, then runs this).

For each language, size and account (the demo's one per role, and nobody for the public pages) it
signs in, then walks the site breadth first from the start page, following same-site links, and
saves a full-page PNG of each kind of screen once: addresses that differ only in their numbers
(``/registry/events/1`` and ``/registry/events/2``) are one kind. Downloads, sign-out and language
switches are not followed. ``tour/index.html`` shows every screenshot, grouped.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Browser, Error, Page, sync_playwright

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
LANGUAGES = ("kk", "ru")
SKIP = re.compile(
    r"\.(pdf|json|csv|zip|xlsx|docx|py|png|jpe?g|svg|txt)$|/(logout|language)\b|/download|/export"
)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def accounts() -> list[tuple[str, str]]:
    """The demo's accounts (username, role), read from the instance the tour serves."""
    from integrity import create_app
    from integrity.demo.loader import demo_accounts
    from integrity.extensions import db

    with create_app().app_context():
        return demo_accounts(db.session)


def kind(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"\d+", "#", path) or "/"


def slug(url: str) -> str:
    parts = urlsplit(url)
    text = (parts.path + ("-" + parts.query if parts.query else "")).strip("/") or "home"
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80]


def sign_in(page: Page, address: str, language: str, username: str | None, password: str) -> None:
    page.goto(f"{address}/login")
    page.locator(f"form[action='/language'] button[value={language}]").first.click()
    if username:
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


def links(page: Page, address: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        url = urldefrag(urljoin(page.url, href)).url
        if url.startswith(address) and not SKIP.search(urlsplit(url).path):
            found.append(url)
    return found


def walk(page: Page, address: str, out: Path, limit: int) -> list[Path]:
    start = page.url if urlsplit(page.url).path not in ("/login", "") else f"{address}/"
    queue = deque([start, f"{address}/"])
    seen: set[str] = set()
    shots: list[Path] = []
    while queue and len(shots) < limit:
        url = queue.popleft()
        if kind(url) in seen:
            continue
        seen.add(kind(url))
        try:
            response = page.goto(url)
        except Error:
            continue  # a download or an aborted navigation
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        path = out / f"{len(shots) + 1:02d}-{slug(url)}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)
        queue.extend(links(page, address))
    return shots


def index(out: Path, groups: dict[str, list[Path]]) -> None:
    parts = ["<!doctype html><meta charset=utf-8><title>Integrity tour</title>",
             "<style>img{width:260px;border:1px solid #ccc;margin:4px}figure{display:inline-block;"
             "margin:0;vertical-align:top;font:12px sans-serif;width:270px}</style>"]  # fmt: skip
    for group, shots in groups.items():
        parts.append(f"<h2>{html.escape(group)}</h2>")
        for shot in shots:
            name = html.escape(str(shot.relative_to(out)))
            parts.append(f'<figure><a href="{name}"><img src="{name}" loading=lazy></a>'
                         f"<figcaption>{html.escape(shot.name)}</figcaption></figure>")  # fmt: skip
    (out / "index.html").write_text("\n".join(parts), encoding="utf-8")


def run(browser: Browser, args: argparse.Namespace, who: list[tuple[str | None, str]]) -> int:
    from integrity.demo.loader import DEMO_PASSWORD

    groups: dict[str, list[Path]] = {}
    for language in args.languages.split(","):
        for size in args.sizes.split(","):
            for username, role in who:
                folder = args.out / language / size / role
                folder.mkdir(parents=True, exist_ok=True)
                width, height = SIZES[size]
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                began = time.monotonic()
                sign_in(page, args.address, language, username, DEMO_PASSWORD)
                shots = walk(page, args.address, folder, args.pages)
                context.close()
                groups[f"{language} · {size} · {role}"] = shots
                print(f"{language} {size:7} {role:10} {len(shots):3} screens "
                      f"{time.monotonic() - began:5.1f} s")  # fmt: skip
    index(args.out, groups)
    return sum(len(shots) for shots in groups.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--out", type=Path, default=Path("tour"))
    parser.add_argument("--roles", help="only these roles (comma-separated; public for nobody)")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--pages", type=int, default=40, help="most screens per account")
    args = parser.parse_args()
    who: list[tuple[str | None, str]] = [(None, "public"), *accounts()]
    if args.roles:
        who = [(user, role) for user, role in who if role in args.roles.split(",")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS
        )
        total = run(browser, args, who)
        browser.close()
    print(f"{total} screenshots; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
