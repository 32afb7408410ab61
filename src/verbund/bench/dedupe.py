"""`verbund bench dedupe`: quality (precision/recall) and speed of duplicate detection.

Three parts, each runs the production path (``features.features`` -> ``bulk.detect``):
- FEBRL4 (persons, 5,000 + 5,000 records, 5,000 true links), linked across the two files;
- dedupe-examples Chicago early-childhood sites (organisations with true cluster ids);
  both real data sets from ``--data`` (else ``$VERBUND_DATA_DIR/dedupe``), each skipped with
  one line saying what is missing when absent;
- N synthetic German companies (default 1,000,000) with injected duplicates (typos, umlaut
  spellings, legal-form variants, swapped words, moved address, changed phone format).
A fourth part (``--entry N``) measures the entry-time check ``find_similar`` on a database of
N parties in a database of its own (see ``verbund.bench.entry``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import re
import resource
import statistics
import time
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any, TextIO

from verbund.bench.common import data_path, missing_data
from verbund.quality.bulk import clusters_of, detect, features_table, to_arrow
from verbund.quality.features import features
from verbund.quality.matching import DEFAULT_THRESHOLD

FEBRL4 = ("febrl", "dataset4a.csv")
ORG_EXAMPLES = ("dedupe_examples", "csv_example_input_with_true_ids.csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=1_000_000, help="synthetic parties (0 skips)")
    parser.add_argument(
        "--data",
        help="folder with febrl/ and dedupe_examples/ (default: $VERBUND_DATA_DIR/dedupe)",
    )
    parser.add_argument(
        "--dup-rate",
        type=float,
        default=0.1,
        help="share of synthetic parties that get a duplicate",
    )
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--skip-real", action="store_true", help="skip FEBRL4 and dedupe-examples")
    parser.add_argument(
        "--split-seed", type=int, default=11, help="shuffle of the dedupe-examples halves"
    )
    parser.add_argument(
        "--entry", type=int, default=0, help="parties in the entry-time check database (0 skips)"
    )
    parser.add_argument("--entry-queries", type=int, default=300)
    parser.add_argument(
        "--heldout-seeds",
        default="11,5,23",
        help="shuffles of the dedupe-examples halves for the trained held-out rows",
    )
    parser.add_argument(
        "--no-train",
        action="store_true",
        help="fixed weights only (skip the trained rows and training in the synthetic run)",
    )
    parser.add_argument(
        "--compare-splink",
        action="store_true",
        help="also run splink 5 (EM-trained) on the synthetic features",
    )


def _pr(found: set[tuple[Any, Any]], truth: set[tuple[Any, Any]]) -> tuple[float, float]:
    tp = len(found & truth)
    return (tp / len(found) if found else 0.0), (tp / len(truth) if truth else 0.0)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _heldout_rows(
    recs: list[dict[str, Any]], truth: set[tuple[int, int]], threshold: float, seed: int
) -> tuple[list[list[str]], list[float], list[float]]:
    """dedupe-examples by held-out halves: the true sites shuffled with ``seed`` into halves A
    and B; weights are trained on one half's records and scored on the other half's, which
    the training never saw (fixed weights on the same half for comparison)."""
    sites = sorted({r["site"] for r in recs})
    random.Random(seed).shuffle(sites)
    half_of_site = {site: i % 2 for i, site in enumerate(sites)}
    halves = [[r for r in recs if half_of_site[r["site"]] == h] for h in (0, 1)]
    out: list[list[str]] = []
    f1s: list[float] = []
    fixed_f1s: list[float] = []
    for test_h, train_h in ((1, 0), (0, 1)):
        test = halves[test_h]
        ids = {r["id"] for r in test}
        want = {k for k in truth if k[0] in ids}
        t0 = time.perf_counter()
        model = detect(to_arrow(halves[train_h]), kind="organisation", train=True).model
        t_train = time.perf_counter() - t0
        for label, weights in (("fixed weights", None), ("trained on the other half", model)):
            t0 = time.perf_counter()
            res = detect(to_arrow(test), kind="organisation", threshold=threshold, model=weights)
            p, r = _pr({(x["a"], x["b"]) for x in res.pairs}, want)
            (f1s if weights is not None else fixed_f1s).append(_f1(p, r))
            secs = time.perf_counter() - t0 + (t_train if weights is not None else 0.0)
            out.append(
                [
                    f"dedupe-examples held-out half {'AB'[test_h]} (seed {seed}), {label}",
                    f"{len(test):,}",
                    f"{res.candidate_pairs:,}",
                    f"{p:.3f}",
                    f"{r:.3f}",
                    f"{_f1(p, r):.3f}",
                    f"{secs:.1f} s",
                    "F1 ≥ 0.95" if weights is not None else "",
                ]
            )
    return out, f1s, fixed_f1s


def _rss_mb() -> float:
    """Peak resident memory of this process plus the largest finished worker."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024


# ---------------------------------------------------------------- FEBRL4


def _read_febrl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(fh, skipinitialspace=True)
        ]


def febrl4_records(data: Path) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    rows = []
    ids: dict[str, int] = {}
    for src, name in (("a", "dataset4a.csv"), ("b", "dataset4b.csv")):
        for row in _read_febrl(data / "febrl" / name):
            rid = len(ids) + 1
            ids[row["rec_id"]] = rid
            dob = row["date_of_birth"]
            rec = {
                "id": rid,
                "kind": "person",
                "first_name": row["given_name"],
                "last_name": row["surname"],
                "street": f"{row['address_1']} {row['street_number']}".strip(),
                "postcode": row["postcode"],
                "city": row["suburb"],
                "birth_date": f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else dob,
                "country": "AU",
            }
            f = features(rec)
            f["src"] = src
            rows.append(f)
    truth = set()
    for rec_id, rid in ids.items():
        m = re.match(r"rec-(\d+)-org", rec_id)
        if m:
            other = ids.get(f"rec-{m.group(1)}-dup-0")
            if other:
                truth.add((min(rid, other), max(rid, other)))
    return rows, truth


# ---------------------------------------------------------------- dedupe-examples (organisations)

_LEADING_NUMBER = re.compile(r"^\s*(\d+[a-zA-Z]?)\s+(.*)$")
# Parts of a US address line that are not the street: unit, floor, and a trailing
# "City, IL 60302" that some sources put into the address field.
_US_UNIT = re.compile(
    r"\s*(?:,|\b(?:suite|ste|room|rm|unit|apt|floor|fl|lower level)\b|#|\d+(?:st|nd|rd|th) floor).*$",
    re.I,
)
_US_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")


def _us_address(raw: str, zip_field: str) -> tuple[str, str]:
    """(street with its number last, postcode) of a US address as the sources wrote it.

    This is what an import into Verbund's separate fields would do: the street line only
    (number moved to the end, as German addresses write it), the ZIP from the ZIP column or,
    where that is empty, from the end of the address text.
    """
    lines = [" ".join(x.split()) for x in (raw or "").splitlines() if x.strip()]
    postcode = (zip_field or "").strip()[:5]
    if not postcode and lines:
        m = _US_ZIP.search(lines[-1])
        postcode = m.group(1) if m else ""
    line = next((x for x in lines if _LEADING_NUMBER.match(x)), lines[0] if lines else "")
    line = _US_UNIT.sub("", line)
    line = re.sub(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)? IL \d{5}$", "", line).strip()
    m = _LEADING_NUMBER.match(line)
    return (f"{m.group(2)} {m.group(1)}" if m else line), postcode


def org_example_records(data: Path) -> tuple[list[dict[str, Any]], set[tuple[int, int]]]:
    path = data.joinpath(*ORG_EXAMPLES)
    rows = []
    clusters: dict[str, list[int]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rid = int(row["Id"]) + 1
            street, postcode = _us_address(row["Address"], row["Zip"])
            rec = {
                "id": rid,
                "kind": "organisation",
                "name": " ".join((row["Site name"] or "").split()),
                "street": street,
                "postcode": postcode,
                "phone": (row["Phone"] or "").strip(),
                "country": "US",
            }
            feat = features(rec)
            feat["site"] = row["True Id"]  # not a feature column: only for the split below
            rows.append(feat)
            clusters.setdefault(row["True Id"], []).append(rid)
    truth = {(min(a, b), max(a, b)) for ids in clusters.values() for a, b in combinations(ids, 2)}
    return rows, truth


def _split_rows(
    recs: list[dict[str, Any]],
    truth: set[tuple[int, int]],
    pairs: list[dict[str, Any]],
    seed: int,
) -> list[list[str]]:
    """Pairs and clusters on each half of the true sites (shuffled with ``seed``).

    Weights are checked on one half after looking at mistakes on the other; pairs across the
    halves are left out of both, so each half's precision is a little flattering.
    """
    sites = sorted({r["site"] for r in recs})
    random.Random(seed).shuffle(sites)
    half_of_site = {site: i % 2 for i, site in enumerate(sites)}
    half = {r["id"]: half_of_site[r["site"]] for r in recs}
    out = []
    for h, name in ((0, "A"), (1, "B")):
        found = {(p["a"], p["b"]) for p in pairs if half[p["a"]] == h == half[p["b"]]}
        want = {k for k in truth if half[k[0]] == h}
        pp, pr_ = _pr(found, want)
        in_clusters = {
            (min(a, b), max(a, b)) for c in clusters_of(found) for a, b in combinations(c, 2)
        }
        cp, cr = _pr(in_clusters, want)
        out.append(
            [
                f"dedupe-examples half {name} (seed {seed}): pairs / clusters",
                f"{sum(1 for v in half.values() if v == h):,}",
                "",
                f"{pp:.3f} / {cp:.3f}",
                f"{pr_:.3f} / {cr:.3f}",
                f"{_f1(pp, pr_):.3f}",
                "",
                "",
            ]
        )
    return out


# ---------------------------------------------------------------- synthetic German companies

_STEMS = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
    "Köhler", "Maier", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung",
    "Hahn", "Vogel", "Friedrich", "Günther", "Keller", "Roth", "Frank", "Berger", "Winkler", "Lorenz",
    "Baumann", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Nord", "Süd", "Rhein", "Main", "Elbe", "Alpen", "Ostsee", "Harz", "Eifel", "Taunus", "Hansa", "Nova",
    "Alpha", "Delta", "Sonnen", "Stern", "Adler", "Löwen", "Falken", "Eichen", "Linden", "Birken", "Tannen",
]  # fmt: skip
_TRADES = [
    "Bau", "Elektro", "Metallbau", "Holzbau", "Transporte", "Logistik", "Handel", "Großhandel", "Autohaus",
    "Maschinenbau", "Druckerei", "Bäckerei", "Metzgerei", "Gartenbau", "Dachdeckerei", "Sanitär", "Heizungsbau",
    "Immobilien", "Software", "Consulting", "Steuerberatung", "Apotheke", "Optik", "Reisen", "Getränke",
    "Lebensmittel", "Textil", "Möbel", "Fliesen", "Malerbetrieb", "Kfz-Technik", "Werkzeugbau", "Kunststoffe",
    "Verpackung", "Medizintechnik", "Energie", "Solartechnik", "Reinigung", "Sicherheit", "Personal",
]  # fmt: skip
_GIVEN = [
    "Hans", "Peter", "Klaus", "Wolfgang", "Jürgen", "Michael", "Thomas", "Andreas", "Stefan", "Frank",
    "Uwe", "Dieter", "Horst", "Bernd", "Günter", "Karl", "Heinz", "Werner", "Gerhard", "Helmut", "Anna",
    "Maria", "Ursula", "Monika", "Petra", "Sabine", "Renate", "Karin", "Brigitte", "Ingrid", "Erika",
    "Jörg", "Sven", "Jens", "Lars", "Björn", "Tobias", "Florian", "Markus", "Christian", "Sebastian",
]  # fmt: skip
_FORMS = [
    "GmbH",
    "GmbH & Co. KG",
    "AG",
    "KG",
    "e.K.",
    "OHG",
    "UG (haftungsbeschränkt)",
    "GmbH",
    "GmbH",
    "e.V.",
]
_FORM_VARIANTS = {
    "GmbH": ["Gesellschaft mit beschränkter Haftung", "G.m.b.H.", "Ges.m.b.H."],
    "GmbH & Co. KG": ["GmbH u. Co KG", "GmbH und Co. KG", "GmbH + Co. KG"],
    "AG": ["Aktiengesellschaft"],
    "KG": ["Kommanditgesellschaft"],
    "e.K.": ["e. K.", "eingetragener Kaufmann"],
    "OHG": ["oHG", "offene Handelsgesellschaft"],
    "UG (haftungsbeschränkt)": ["UG (haftungsbeschraenkt)", "UG haftungsbeschr."],
    "e.V.": ["eingetragener Verein", "e. V."],
}
_STREETS = [
    "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße", "Bergstraße", "Lindenstraße",
    "Kirchstraße", "Waldstraße", "Ringstraße", "Mühlenweg", "Industriestraße", "Am Markt", "Poststraße",
    "Goethestraße", "Schillerstraße", "Friedrichstraße", "Wiesenweg", "Kastanienallee", "Gewerbering",
]  # fmt: skip
_CITIES = [
    "Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf", "Leipzig", "Dortmund",
    "Essen", "Bremen", "Dresden", "Hannover", "Nürnberg", "Duisburg", "Bochum", "Wuppertal", "Bielefeld", "Bonn",
    "Münster", "Mannheim", "Karlsruhe", "Augsburg", "Wiesbaden", "Mönchengladbach", "Gelsenkirchen", "Aachen",
    "Braunschweig", "Kiel", "Chemnitz", "Halle", "Magdeburg", "Freiburg", "Krefeld", "Mainz", "Lübeck", "Erfurt",
    "Oberhausen", "Rostock", "Kassel", "Hagen", "Potsdam", "Saarbrücken", "Hamm", "Ludwigshafen", "Oldenburg",
]  # fmt: skip


def _umlaut_variant(text: str) -> str:
    return (
        text.replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("ß", "ss")
        .replace("Ä", "Ae")
        .replace("Ö", "Oe")
        .replace("Ü", "Ue")
    )


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    op = rng.randrange(3)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeinrst") + text[i + 1 :]


def _phone_variant(rng: random.Random, area: str, local: str) -> str:
    return rng.choice(
        [
            f"+49 {area[1:]} {local}",
            f"{area}/{local}",
            f"({area}) {local[:3]}-{local[3:]}",
            f"0049{area[1:]}{local}",
            f"{area} {local}",
        ]
    )


def synthetic_records(
    n: int, dup_rate: float, seed: int = 7
) -> Iterator[tuple[dict[str, Any], int]]:
    """(party fields, truth entity id) for ``n`` originals plus injected duplicates.

    Names combine a stem, a trade and a city-district word, so many originals share words
    (as real data does); each duplicate applies one or two of the named changes.
    """
    rng = random.Random(seed)
    rid = 0
    for entity in range(n):
        city_i = rng.randrange(len(_CITIES))
        postcode = f"{10000 + city_i * 1900 + rng.randrange(1900):05d}"
        form = rng.choice(_FORMS)
        stem = rng.choice(_STEMS)
        style = rng.randrange(5)
        if style >= 3:
            core = f"{rng.choice(_GIVEN)} {stem} {rng.choice(_TRADES)}"
        elif style == 0:
            core = f"{stem} {rng.choice(_TRADES)}"
        elif style == 1:
            core = f"{rng.choice(_TRADES)} {stem} {rng.choice(_STEMS)}"
        else:
            core = f"{stem} & {rng.choice(_STEMS)} {rng.choice(_TRADES)}"
        area = f"0{rng.randrange(20, 999)}"
        local = f"{rng.randrange(100000, 9999999)}"
        base = {
            "kind": "organisation",
            "name": f"{core} {form}",
            "street": f"{rng.choice(_STREETS)} {rng.randrange(1, 200)}",
            "postcode": postcode,
            "city": _CITIES[city_i],
            "phone": f"{area} {local}" if rng.random() < 0.8 else "",
            "country": "DE",
        }
        rid += 1
        yield {"id": rid, **base}, entity
        if rng.random() < dup_rate:
            dup = dict(base)
            changes = rng.sample(
                ["typo", "umlaut", "form", "swap", "moved", "phone", "street_abbr"],
                k=rng.choice((1, 2, 2, 3)),
            )
            for change in changes:
                if change == "typo":
                    dup["name"] = _typo(rng, dup["name"])
                elif change == "umlaut":
                    dup["name"] = _umlaut_variant(dup["name"])
                    dup["street"] = _umlaut_variant(dup["street"])
                    dup["city"] = _umlaut_variant(dup["city"])
                elif change == "form":
                    dup["name"] = f"{core} {rng.choice(_FORM_VARIANTS[form])}"
                elif change == "swap":
                    words = core.replace("&", "").split()
                    rng.shuffle(words)
                    dup["name"] = " ".join(words) + f" {form}"
                elif change == "moved":
                    dup["street"] = f"{rng.choice(_STREETS)} {rng.randrange(1, 200)}"
                    dup["postcode"] = f"{10000 + city_i * 1900 + rng.randrange(1900):05d}"
                elif change == "phone" and dup["phone"]:
                    dup["phone"] = _phone_variant(rng, area, local)
                elif change == "street_abbr":
                    dup["street"] = (
                        dup["street"].replace("straße", "str.").replace("Straße", "Str.")
                    )
            rid += 1
            yield {"id": rid, **dup}, entity


# ---------------------------------------------------------------- runner


def _missing(what: str, data: Path | None, file: tuple[str, ...]) -> str:
    return missing_data(
        what,
        data.joinpath(*file) if data else None,
        "--data DIR (with febrl/ and dedupe_examples/)",
        "dedupe/",
    )


def _line(out: TextIO, cells: list[str]) -> None:
    out.write("| " + " | ".join(cells) + " |\n")


def run(options: dict[str, Any], stdout: TextIO) -> int:
    threshold = float(options.get("threshold") or DEFAULT_THRESHOLD)
    train = not options.get("no_train")
    rows_out: list[list[str]] = []
    ok = True
    if not options.get("skip_real"):
        data = data_path(options.get("data"), "dedupe")
        if data and data.joinpath(*FEBRL4).exists():
            recs, truth = febrl4_records(data)
            fixed_pr = (0.0, 0.0)
            for trained in (False, True) if train else (False,):
                start = time.perf_counter()
                result = detect(
                    to_arrow(recs, extra=("src",)),
                    kind="person",
                    threshold=threshold,
                    link_column="src",
                    train=trained,
                )
                secs = time.perf_counter() - start
                p, r = _pr({(p["a"], p["b"]) for p in result.pairs}, truth)
                ok &= p >= 0.95 and r >= 0.95
                if trained:
                    ok &= p >= 0.99 and r >= 0.985
                else:
                    fixed_pr = (p, r)
                rows_out.append(
                    [
                        "FEBRL4 persons, "
                        + ("trained (EM, incl. training)" if trained else "fixed weights"),
                        "10,000",
                        f"{result.candidate_pairs:,}",
                        f"{p:.3f}",
                        f"{r:.3f}",
                        f"{_f1(p, r):.3f}",
                        f"{secs:.1f} s",
                        (
                            f"P ≥ 0.99, R ≥ 0.985 (recall ratio {r / max(fixed_pr[1], 1e-9):.3f} "
                            "of fixed; splink on the same fields, issue #19: 1.000 / 0.982)"
                        )
                        if trained
                        else "≥ 0.95",
                    ]
                )
        else:
            stdout.write(_missing("FEBRL4 data", data, FEBRL4))
        if data and data.joinpath(*ORG_EXAMPLES).exists():
            recs, truth = org_example_records(data)
            start = time.perf_counter()
            result = detect(to_arrow(recs), kind="organisation", threshold=threshold)
            secs = time.perf_counter() - start
            pp, pr_ = _pr({(p["a"], p["b"]) for p in result.pairs}, truth)
            rows_out.append(
                [
                    "dedupe-examples sites (pairs)",
                    f"{len(recs):,}",
                    f"{result.candidate_pairs:,}",
                    f"{pp:.3f}",
                    f"{pr_:.3f}",
                    f"{_f1(pp, pr_):.3f}",
                    f"{secs:.1f} s",
                    "≥ 0.90",
                ]
            )
            found = {(min(a, b), max(a, b)) for c in result.clusters for a, b in combinations(c, 2)}
            p, r = _pr(found, truth)
            # The floor is judged on pairs, the metric of the other two sets and of the review
            # queue; clusters (connected components) are printed for the cluster view.
            ok &= pp >= 0.90 and pr_ >= 0.90
            rows_out.append(
                [
                    "dedupe-examples sites (clusters, for information)",
                    f"{len(recs):,}",
                    f"{result.candidate_pairs:,}",
                    f"{p:.3f}",
                    f"{r:.3f}",
                    f"{_f1(p, r):.3f}",
                    f"{secs:.1f} s",
                    "",
                ]
            )
            seed = int(options.get("split_seed") or 11)
            rows_out.extend(_split_rows(recs, truth, result.pairs, seed))
            if train:
                seeds = [int(x) for x in str(options.get("heldout_seeds") or seed).split(",")]
                f1s: list[float] = []
                fixed_f1s: list[float] = []
                for s in seeds:
                    held, trained_f1, fixed_f1 = _heldout_rows(recs, truth, threshold, s)
                    rows_out.extend(held)
                    f1s += trained_f1
                    fixed_f1s += fixed_f1
                med = statistics.median(f1s)
                ok &= med >= 0.95
                rows_out.append(
                    [
                        f"dedupe-examples held-out halves, median of {len(f1s)} "
                        f"(seeds {', '.join(map(str, seeds))}): fixed / trained "
                        "(splink trained on all records, issue #19: 0.952)",
                        "",
                        "",
                        "",
                        "",
                        f"{statistics.median(fixed_f1s):.3f} / {med:.3f} "
                        f"(ratio {med / max(statistics.median(fixed_f1s), 1e-9):.3f})",
                        "",
                        "F1 ≥ 0.95 (trained)",
                    ]
                )
        else:
            stdout.write(_missing("dedupe-examples data", data, ORG_EXAMPLES))
    size = int(options.get("size") or 0)
    if size:
        gc.collect()
        truth_of: dict[int, int] = {}
        raw: list[dict[str, Any]] = []
        for rec, entity in synthetic_records(size, float(options.get("dup_rate") or 0.1)):
            truth_of[rec["id"]] = entity
            raw.append(rec)
        start, cpu0 = time.perf_counter(), time.process_time()
        table = features_table(raw, workers=2)
        del raw
        gc.collect()
        t_features = time.perf_counter() - start
        result = detect(table, kind="organisation", threshold=threshold, train=train)
        secs = time.perf_counter() - start
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu0 + children.ru_utime + children.ru_stime
        by_entity: dict[int, list[int]] = {}
        for rid, ent in truth_of.items():
            by_entity.setdefault(ent, []).append(rid)
        truth = {
            (min(a, b), max(a, b))
            for ids in by_entity.values()
            if len(ids) > 1
            for a, b in combinations(ids, 2)
        }
        p, r = _pr({(p["a"], p["b"]) for p in result.pairs}, truth)
        mem = _rss_mb()
        ok &= secs <= (60 if train else 120) and mem <= 4096
        t_train = result.timings.get("training", 0.0)
        rows_out.append(
            [
                f"synthetic German companies ({len(truth):,} injected), "
                + ("trained (EM)" if train else "fixed weights"),
                f"{len(truth_of):,}",
                f"{result.candidate_pairs:,}",
                f"{p:.3f}",
                f"{r:.3f}",
                f"{_f1(p, r):.3f}",
                f"{secs:.1f} s wall (features {t_features:.1f} s; training {t_train:.1f} s; "
                f"CPU {cpu:.1f} s), peak RSS {mem:,.0f} MB",
                "≤ 60 s incl. training, ≤ 4 GB" if train else "≤ 120 s, ≤ 4 GB",
            ]
        )
        if options.get("compare_splink"):
            t0, c0 = time.perf_counter(), time.process_time()
            found = splink_pairs(table, threshold)
            sp, sr = _pr(found, truth)
            rows_out.append(
                [
                    "same, splink 5 (EM-trained, same features and blocking), detection only",
                    f"{len(truth_of):,}",
                    "",
                    f"{sp:.3f}",
                    f"{sr:.3f}",
                    f"{_f1(sp, sr):.3f}",
                    f"{time.perf_counter() - t0:.1f} s wall, CPU {time.process_time() - c0:.1f} s "
                    f"(Verbund detection: {result.timings.get('blocking', 0) + result.timings.get('scoring', 0):.1f} s wall)",
                    "",
                ]
            )
    _line(
        stdout,
        ["data set", "records", "candidate pairs", "precision", "recall", "F1", "time", "floor"],
    )
    _line(stdout, ["---"] * 8)
    for row in rows_out:
        _line(stdout, row)
    if int(options.get("entry") or 0):
        from verbund.bench.entry import run_entry_bench

        ok &= run_entry_bench(
            int(options["entry"]), int(options.get("entry_queries") or 300), stdout
        )
    stdout.write(f"threshold {threshold}; {'all floors met' if ok else 'FLOOR MISSED'}\n")
    return 0 if ok else 1


def splink_pairs(table: Any, threshold: float) -> set[tuple[int, int]]:
    """Pairs splink 5 finds on the same feature table, blocking rules and threshold."""
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from verbund.quality.bulk import BLOCKING_RULES

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.register("src", table)
    con.execute("CREATE TABLE splink_input AS SELECT id AS unique_id, * EXCLUDE (id) FROM src")
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.9, 0.8]),
            cl.ExactMatch("legal_form"),
            cl.JaroWinklerAtThresholds("street", [0.92]),
            cl.ExactMatch("house"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("city"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on(*rule)
            for rule in BLOCKING_RULES["organisation"]
            if not set(rule) & {"vat", "lei", "email"}
        ],
    )
    linker = Linker(db_api.register("splink_input"), settings, log_level="WARNING")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_key", "postcode")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_key"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r FROM {predictions.physical_name}"
    ).fetchall()
    con.close()
    return {(min(a, b), max(a, b)) for a, b in rows}
