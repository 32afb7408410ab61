"""Walk every page in German and English at 1,440, 1,024 and 390 px (opt-in, for reviews):
``python -m verbund.web.walk /tmp/walk`` writes one full-page PNG per page, language and width
and prints each page that is wider than the window, with the elements that stick out, and each
page whose table cells break a word inside itself.

Uses the screenshot demo (``verbund.web.screenshots``); ``ONLY=file,hierarchy`` limits the pages.
"""

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

WIDTHS = (1440, 1024, 390)

# Elements reaching past the window that are not inside a scrolling or clipping box.
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= w + 1) continue;
    let anc = el.parentElement, contained = false;
    while (anc) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(anc).overflowX)) { contained = true; break; }
      anc = anc.parentElement;
    }
    if (!contained) out.push(el.tagName.toLowerCase() + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, elements: out.slice(0, 8)};
}"""

# Short words in table cells (a name, a score, a number, a date: up to 12 characters) that break
# inside themselves ("Must/erma/nn", "0,99" as a column of characters), each word of a cell's text
# measured on its own. Longer words (an e-mail address) may break to fit; hyphenated words may
# break at their hyphen.
BROKEN_WORDS_JS = """() => {
  const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement || !node.parentElement.closest('td, th')) continue;
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const word = match[0];
      if (word.length < 2 || word.length > 12 || /[\\-\\/\u2013\u00b7]/.test(word)) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width).map(r => Math.round(r.top)));
      if (tops.size > 1) out.push(word);
    }
  }
  return out.slice(0, 8);
}"""


def pages(demo: Any, review: dict[str, int], import_run: int, relationship: int) -> dict[str, str]:
    p = demo.parties
    return {
        "start": "/",
        "search": "/?q=Mueller Handl",
        "party-list": "/parties/",
        "party-list-merged": "/parties/?merged=true",
        "party-list-more-filters": "/parties/?revenue_min=1000&city=M%C3%BCnchen",
        "file": f"/parties/{p['handel'].pk}/",
        "file-person": f"/parties/{p['erika'].pk}/",
        "party-new": "/parties/new/",
        "party-edit": f"/parties/{p['handel'].pk}/edit/",
        "relationship-add": f"/parties/{p['handel'].pk}/relationships/new/",
        "relationship-end": f"/relationships/{relationship}/end/",
        "relationship-correct": f"/relationships/{relationship}/correct/",
        "relationship-list": f"/parties/{p['holding'].pk}/relationships/group/",
        "types": "/relationship-types/",
        "type-new": "/relationship-types/new/",
        "hierarchy": f"/parties/{p['sued'].pk}/hierarchy/?type=group",
        "revenue": f"/parties/{p['handel'].pk}/revenue/",
        "settlement": f"/parties/{p['verband'].pk}/settlement/",
        "imports": "/imports/",
        "import-run": f"/imports/{import_run}/",
        "duplicates": "/quality/",
        "duplicate-compare": f"/quality/compare/{review['a']}/{review['b']}/",
        "duplicate-run": f"/quality/runs/{review['dedupe_run']}/",
        "compliance": "/compliance/",
        "compliance-hit": f"/compliance/hits/{review['hit']}/",
        "compliance-lists": "/compliance/lists/",
        "compliance-runs": "/compliance/runs/",
        "compliance-run": f"/compliance/runs/{review['screening_run']}/",
        "two-factor": "/accounts/two-factor/",
        "chart": f"/parties/{p['sued'].pk}/hierarchy/chart/?type=group",
        "revenue-overview": "/revenue/",
        "revenue-drilldown": f"/revenue/heads/{p['holding'].pk}/",
        "selections": "/selections/",
        "privacy-export": f"/privacy/parties/{p['erika'].pk}/export/",
        "privacy-advertising": "/privacy/advertising/",
        "privacy-log": "/privacy/log/",
        "privacy-retention": "/privacy/retention/",
        "privacy-retention-apply": "/privacy/retention/apply/",
        "privacy-letter": f"/privacy/parties/{p['erika'].pk}/letter/?reference=AZ-1",
    }


def review_records(demo: Any) -> None:
    """What the demo lacks for a review of some pages: a merged record (the party list with
    merged=true) and privacy log entries naming a party and an erased person."""
    from verbund.parties.actions import do_create_party
    from verbund.privacy.actions import do_erase_party, log
    from verbund.quality.actions import do_merge

    officer = demo.users["admin"]
    handel = demo.parties["handel"]
    duplicate = do_create_party(
        actor=officer, name=handel.name, street="Marienplatz 1", postcode="80331", city="München"
    )
    do_merge(duplicate, handel, actor=officer)
    erika = demo.parties["erika"]
    log(actor=officer, party_id=erika.pk, action="export", article="art15", reason="DS-2026-4")
    gone = do_create_party(actor=officer, kind="person", first_name="Hanna", last_name="Quast")
    do_erase_party(gone, actor=officer, reason="DS-2026-5")


def walk(out_dir: Path, only: set[str]) -> list[str]:
    from playwright.sync_api import sync_playwright

    from verbund.demo.showcase import PASSWORD, build_demo
    from verbund.interfaces.actions import do_create_run, do_execute_run
    from verbund.relationships.selectors import party_relationships
    from verbund.web.screenshots import CHROMIUM, CHROMIUM_ARGS, review_data, serve

    demo = build_demo()
    review = review_data(demo)
    csv = out_dir / "kunden.csv"
    csv.write_text("id;name;city;country\nK1;Alpha GmbH;Köln;DE\nK2;Beta AG;Bonn;XX\n", "utf-8")
    run = do_create_run(
        actor=demo.users["admin"], kind="parties", source="sap", path=csv, dry_run=True
    )
    do_execute_run(run)
    review_records(demo)
    sued = demo.parties["sued"]
    relationship = party_relationships(sued.pk).filter(type__key="group", from_party=sued).first()
    urls = pages(demo, review, run.pk, relationship.pk if relationship else 0)
    urls = {k: v for k, v in urls.items() if not only or k in only}
    base, server = serve()
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="de-DE")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base + "/accounts/login/")
            page.screenshot(path=str(out_dir / f"login-{width}.png"), full_page=True)
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
        for lang in ("de", "en"):
            page.goto(base + "/")
            page.click(f"[data-testid=lang-{lang}]")
            page.wait_for_load_state()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for name, url in urls.items():
                    response = page.goto(base + url)
                    page.wait_for_load_state("networkidle")
                    found = page.evaluate(OVERFLOW_JS)
                    found["broken"] = page.evaluate(BROKEN_WORDS_JS)
                    page.screenshot(
                        path=str(out_dir / f"{name}-{lang}-{width}.png"), full_page=True
                    )
                    status = response.status if response else 0
                    if (
                        status != 200
                        or found["scroll"] > width
                        or found["elements"]
                        or found["broken"]
                    ):
                        problems.append(f"{name}-{lang}-{width} {status} {json.dumps(found)}")
        browser.close()
    server.shutdown()  # type: ignore[attr-defined]
    return problems


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0] if args else tempfile.mkdtemp(prefix="verbund-walk-")).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="verbund-walk-db-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    only = {n for n in os.environ.get("ONLY", "").split(",") if n}
    problems = walk(out_dir, only)
    print("\n".join(problems) or "every page fits its window, no word in a table breaks")
    print(f"screenshots in {out_dir}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
