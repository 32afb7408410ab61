"""Regenerate the documentation screenshots: ``python -m verbund.web.screenshots docs/screenshots``.

Builds a small demo database in a temporary directory, serves it on a free local port and
shoots the pages in headless Chromium (Playwright) at 1366x768, in German.
"""

import os
import sys
import tempfile
import threading
from pathlib import Path

CHROMIUM = os.environ.get("VERBUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--lang=de-DE",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _serve() -> tuple[str, object]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def shoot(out_dir: Path, extra: bool = False) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from verbund.demo.showcase import PASSWORD, build_demo

    demo = build_demo()
    p = demo.parties
    base, server = _serve()
    written: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        # German date fields and number formats need the browser's own locale set too.
        env: dict[str, str | float | bool] = {**os.environ, "LANG": "de_DE.UTF-8", "LANGUAGE": "de"}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="de-DE")
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")

        def snap(name: str, url: str, full: bool = True) -> None:
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            target = out_dir / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            written.append(target)

        snap("customer-file", f"/parties/{p['handel'].pk}/")
        snap("hierarchy", f"/parties/{p['sued'].pk}/hierarchy/?type=group")
        if extra:
            snap("start", "/?q=Mueller Handl")
            snap("party-list", "/parties/")
            snap("party-form", f"/parties/{p['handel'].pk}/edit/")
            snap("types", "/relationship-types/")
            page.goto(f"{base}/parties/{p['holding'].pk}/")
            page.click("[data-testid=qa-parent]")
            page.wait_for_timeout(300)
            page.locator("[data-testid=other-query]").press_sequentially(
                "Müller Handel Süd", delay=20
            )
            page.click(f"[data-pick-id='{p['sued'].pk}']")
            page.click("[data-testid=relationship-save]")
            page.wait_for_selector("[data-testid=relationship-errors]")
            page.screenshot(path=str(out_dir / "cycle-refused.png"), full_page=True)
            written.append(out_dir / "cycle-refused.png")
            page.set_viewport_size({"width": 820, "height": 1180})
            snap("customer-file-tablet", f"/parties/{p['handel'].pk}/")
        browser.close()
    server.shutdown()  # type: ignore[attr-defined]
    return written


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    extra = "--all" in args
    args = [a for a in args if a != "--all"]
    out_dir = Path(args[0] if args else "docs/screenshots").resolve()
    if not Path(CHROMIUM).exists():
        print(
            f"No Chromium at {CHROMIUM}; install it (apt-get install chromium) or set VERBUND_CHROMIUM.",
            file=sys.stderr,
        )
        return 2
    tmp = tempfile.mkdtemp(prefix="verbund-shots-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    os.environ["LANGUAGE_CODE"] = "de"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    for path in shoot(out_dir, extra=extra):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
