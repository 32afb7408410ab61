"""Regenerate the documentation screenshots: ``python -m verbund.web.screenshots docs/screenshots``.

Builds a small demo database in a temporary directory, serves it on a free local port and
shoots the pages in headless Chromium (Playwright) at 1366x768, in German.
"""

import datetime as dt
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("VERBUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--lang=de-DE",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# A tiny OFAC SDN snapshot in the official CSV layout (sdn.csv, add.csv): one entity whose name a
# demo supplier shares, so the screening run finds a hit with its reasons.
OFAC_SDN = (
    b'9001,"NORDSTERN TRADING LLC",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    b'"Linked To: NORDSTERN SHIPPING CO."\r\n'
    b'306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. \'BNC\'."\r\n'
)
OFAC_ADD = b'9001,26,"Khayyam St. 14","Tehran","Iran",-0- \r\n306,25,-0- ,"Havana","Cuba",-0- \r\n'


def review_data(demo: Any) -> dict[str, int]:
    """What the quality and compliance screenshots need, made through the domains' actions: a
    record entered twice (found by a duplicate run) and a supplier that a sanctions list names
    (found by a screening run)."""
    from verbund.compliance.actions import do_import_list, do_screen_parties
    from verbund.compliance.models import Hit
    from verbund.parties.actions import do_create_party
    from verbund.quality.actions import do_create_run
    from verbund.quality.detection import execute_run
    from verbund.quality.models import DuplicateCandidate
    from verbund.relationships.actions import do_create_relationship

    actor = demo.users["admin"]
    p = demo.parties
    # Entered a second time by the ERP import, with the umlaut spelled out and a phone number.
    twin = do_create_party(
        actor=actor, kind="organisation", name="Mueller Logistik GmbH", city="Hamburg",
        postcode="20457", street="Am Sandtorkai 40", legal_form="GmbH", phone="+49 40 3344550",
        vat_id="DE345678912",
    )  # fmt: skip
    nordstern = do_create_party(
        actor=actor, kind="organisation", name="Nordstern Trading LLC", city="Dubai",
        country="AE", street="Sheikh Zayed Road 101", status="supplier",
    )  # fmt: skip
    do_create_relationship(
        actor=actor, type="supplier", from_party=nordstern, to_party=p["logistik"],
        valid_from=dt.date(2023, 3, 1),
    )  # fmt: skip
    run = do_create_run(actor=actor, kind="organisation")
    execute_run(run.pk)
    pair = (
        DuplicateCandidate.objects.filter(run=run).filter(party_a=twin).first()
        or DuplicateCandidate.objects.filter(run=run).filter(party_b=twin).first()
    )
    do_import_list(
        "ofac-csv", [("sdn.csv", OFAC_SDN), ("add.csv", OFAC_ADD)], actor=actor, rescreen=False
    )
    screening = do_screen_parties(actor=actor)
    hit = Hit.objects.filter(party=nordstern).order_by("-score").first()
    return {
        "dedupe_run": run.pk,
        "a": pair.party_a_id if pair else p["logistik"].pk,
        "b": pair.party_b_id if pair else twin.pk,
        "screening_run": screening.pk,
        "hit": hit.pk if hit else 0,
    }


def optimise(path: Path) -> None:
    """Shrink a screenshot to a 256-colour palette PNG (UI pages have few colours, so this is
    invisible and cuts the size to a third); left as it is where Pillow is missing."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with fpdf2
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def serve() -> tuple[str, object]:
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
    review = review_data(demo)
    base, server = serve()
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
            optimise(target)
            written.append(target)

        def snap_part(name: str, url: str, selector: str, ready: str = "") -> None:
            """One part of a page (a section of the file), after its lazy parts loaded."""
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            if ready:
                page.locator(ready).first.wait_for()
                page.wait_for_load_state("networkidle")
            target = out_dir / f"{name}.png"
            # Clipped from the whole page (not the element's own shot, which scrolls it under
            # the sticky menu bar).
            page.evaluate("window.scrollTo(0, 0)")
            box = page.locator(selector).first.bounding_box()
            assert box is not None, selector
            page.screenshot(path=str(target), full_page=True, clip=box)
            optimise(target)
            written.append(target)

        snap("customer-file", f"/parties/{p['handel'].pk}/")
        snap("hierarchy", f"/parties/{p['sued'].pk}/hierarchy/?type=group")
        # The whole group on the parent's file, and the group as an org chart (#17).
        snap_part(
            "group-section",
            f"/parties/{p['holding'].pk}/",
            "#section-group-group",
            "[data-testid=group-changes]",
        )
        snap("group-chart", f"/parties/{p['sued'].pk}/hierarchy/chart/?type=group", full=False)
        snap("duplicate-compare", f"/quality/compare/{review['a']}/{review['b']}/")
        if review["hit"]:
            snap("screening-hit", f"/compliance/hits/{review['hit']}/")
        snap("revenue-overview", "/revenue/")
        snap("settlement", f"/parties/{p['verband'].pk}/settlement/")
        if extra:
            snap("revenue-drilldown", f"/revenue/heads/{p['holding'].pk}/")
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
