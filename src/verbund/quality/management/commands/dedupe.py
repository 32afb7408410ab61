"""`verbund dedupe`: bulk duplicate detection over all parties of one kind."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.core.formatting import format_number
from verbund.core.management.base import VerbundCommand, gettext_lazy
from verbund.parties.models import Party
from verbund.quality import actions, rules
from verbund.quality.detection import detect_parties, train_parties
from verbund.quality.matching import DEFAULT_THRESHOLD, model_rows


class Command(VerbundCommand):
    help = gettext_lazy("Find duplicate parties (pairs and clusters with explainable scores).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            choices=["organisation", "person"],
            default="organisation",
            help=gettext_lazy("kind of party compared (default organisation)"),
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=gettext_lazy("match probability, 0..1"),
        )
        parser.add_argument(
            "--json", action="store_true", help=gettext_lazy("print pairs and clusters as JSON")
        )
        parser.add_argument(
            "--save", action="store_true", help=gettext_lazy("store the pairs in the review queue")
        )
        parser.add_argument(
            "--limit", type=int, default=50, help=gettext_lazy("pairs printed in text mode")
        )
        parser.add_argument(
            "--train",
            action="store_true",
            help=gettext_lazy(
                "estimate the weights from the records (EM) and store them as the model "
                "later runs use"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["train"]:
            self._train(options)
            return
        # The rule (0 < threshold < 1) and its message, as the run action applies them.
        error = rules.threshold_error(options["threshold"])
        if error:
            raise CommandError(f"--threshold: {error}")
        result = detect_parties(options["kind"], options["threshold"])
        stats: dict[str, Any] = {
            "records": result.records,
            "candidate_pairs": result.candidate_pairs,
            "pairs": len(result.pairs),
            "clusters": len(result.clusters),
        }
        if options["save"]:
            stats["saved"] = actions.do_record_candidates(result.pairs, actor=None)
        if options["json"]:
            pairs = [
                {
                    k: p[k]
                    for k in ("a", "b", "points", "probability", "category", "cluster", "evidence")
                }
                for p in result.pairs
            ]
            self.stdout.write(
                json.dumps(
                    {"stats": stats, "pairs": pairs, "clusters": result.clusters},
                    ensure_ascii=False,
                    default=str,
                )
            )
            return
        shown = sorted(result.pairs, key=lambda p: -p["points"])[: options["limit"]]
        names = dict(
            Party.objects.filter(id__in={x for p in shown for x in (p["a"], p["b"])}).values_list(
                "id", "name"
            )
        )
        for p in shown:
            why = ", ".join(
                f"{e['label']} {e['level_label']} ({e['weight']:+g})" for e in p["evidence"]
            )
            erp = " [ERP]" if p["category"] == "erp" else ""
            self.stdout.write(
                f"{p['probability']:.3f}{erp}  {p['a']} {names.get(p['a'], '')!r} ~ {p['b']} {names.get(p['b'], '')!r}: {why}"
            )
        self.stdout.write(
            _(
                "%(records)s records, %(candidates)s candidate pairs compared, %(pairs)s pairs, %(clusters)s clusters"
            )
            % {
                "records": stats["records"],
                "candidates": stats["candidate_pairs"],
                "pairs": stats["pairs"],
                "clusters": stats["clusters"],
            }
        )
        if "saved" in stats:
            self.stdout.write(
                _("Review queue: %(created)s new, %(updated)s updated, %(skipped)s skipped")
                % {k: format_number(v) for k, v in stats["saved"].items()}
            )

    def _train(self, options: dict[str, Any]) -> None:
        if options["save"]:
            raise CommandError(
                _("--train stores a model only; run dedupe --save afterwards to fill the queue.")
            )
        try:
            model, _result = train_parties(options["kind"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "model": model.pk,
                        "kind": model.kind,
                        "trained_at": model.trained_at.isoformat(),
                        "records": model.records,
                        "pairs": model.pairs,
                        "prior": model.prior,
                        "weights": model.weights,
                        "details": model.details,
                    },
                    ensure_ascii=False,
                )
            )
            return
        details = model.details
        self.stdout.write(
            _(
                "Model %(id)s trained on %(records)s records (%(pairs)s candidate pairs), "
                "%(iterations)s EM iterations, %(converged)s; prior %(prior)+.2f points"
            )
            % {
                "id": model.pk,
                "records": number_format(model.records, force_grouping=True),
                "pairs": number_format(model.pairs, force_grouping=True),
                "iterations": details.get("iterations"),
                "converged": _("converged") if details.get("converged") else _("not converged"),
                "prior": model.prior,
            }
        )
        for e in model_rows(model):
            self.stdout.write(
                "  "
                + _("%(field)s: %(level)s %(weight)s (fixed %(fixed)s)")
                % {
                    "field": e["label"],
                    "level": e["level_label"],
                    "weight": number_format(e["weight"], 2, force_grouping=True),
                    "fixed": number_format(e["fixed"], 1, force_grouping=True),
                }
            )
