import io

from verbund.bench.screening_fit import (
    best_threshold,
    fit_logistic,
    predict,
    report,
    whole_name_similarity,
)


def test_the_logistic_fit_ranks_matches_above_non_matches() -> None:
    rows = [[0.9], [0.8], [0.85], [0.2], [0.3], [0.1]]
    labels = [True, True, True, False, False, False]
    w = fit_logistic(rows, labels, iterations=500)
    assert w[0] > 0
    assert predict(w, [0.9]) > 0.5 > predict(w, [0.1])


def test_the_best_threshold_separates_the_tuning_pairs() -> None:
    threshold, f1 = best_threshold([0.95, 0.9, 0.72, 0.6, 0.4], [True, True, True, False, False])
    assert 0.6 < threshold <= 0.72
    assert f1 == 1.0


def test_whole_name_similarity_ignores_word_order_and_legal_forms() -> None:
    assert whole_name_similarity("Lavrov Sergei", "Sergei Lavrov", False) == 1.0
    assert whole_name_similarity("Siemens Aktiengesellschaft", "Siemens AG", True) == 1.0
    typo = whole_name_similarity("Sergei Lavorv", "Sergei Lavrov", False)
    assert 0.8 < typo < 1.0
    assert whole_name_similarity("Hans Meier", "Sergei Lavrov", False) < 0.5


def test_the_fit_report_prints_threshold_and_weights_of_the_tuning_half_only() -> None:
    cases = [
        {"name1": n1, "name2": n2, "schema": "Person"}
        for n1, n2 in [
            ("Olaf Scholze", "Olaf Scholz"),
            ("Angelo Cruz", "Angela Merkel"),
            ("Vladimir Putn", "Vladimir Putin"),
            ("Hans Meier", "Fritz Schulz"),
            ("Held Out", "Never Read"),
        ]
    ]
    scores = [0.9, 0.2, 0.85, 0.1, 0.5]
    labels = [True, False, True, False, True]
    out = io.StringIO()
    result = report(cases, scores, labels, [0, 1, 2, 3], out)
    assert "best F1 1.000" in out.getvalue()
    assert len(result["weights"]) == 3  # type: ignore[arg-type]
