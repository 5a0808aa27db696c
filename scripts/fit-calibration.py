#!/usr/bin/env python3
"""Measures what a calibrated confidence over kotae's generic signals would gain:
a logistic model over the signals of the best candidate (`kotae eval --json`),
fitted across the development collections and reported leave-one-collection-out.

    python3 scripts/fit-calibration.py [path/to/kotae]

For each collection held out in turn, the model and its answer threshold are fitted
on the others' dev questions only (the threshold: the lowest that adds at most 1 %
wrong answers to what the rules answer, averaged over the training collections),
then measured on the held-out collection (dev and held-aside questions, bare and
with alternates), answering what the rules answer or what the model is sure
enough of. kotae does not use such a model yet; this is the measurement that
decides whether it should. Needs numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from evalsets import evaluation_sets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KOTAE = next((a for a in sys.argv[1:] if not a.startswith("--")),
             os.path.join(ROOT, "target/release/kotae"))
DICT = os.path.join(ROOT, "target/eval-dictionary")
# Collections fitted on; any other directory under tests/collections is held aside.
DEV = ["shipped", "voicevox", "gear", "mynumber"]
FEATURES = ["coverage", "margin", "shared", "similarity", "complete", "off_intent",
            "predicate_missing", "runner_up_coverage", "concepts", "unknown_share",
            "rivals", "rules_answer", "coverage_x_margin"]
EXTRA_WRONG = 0.01


def evaluate(faq, questions, index):
    out = subprocess.run(
        [KOTAE, "--faq", faq, "--index", index, "--dict-dir", DICT, "eval", questions, "--json"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    return [json.loads(line) for line in out[:-1]]


def features(row):
    s = row.get("signals") or {}
    coverage = max(0.0, s.get("coverage", 0.0))
    margin = s.get("margin", 0.0)
    return [coverage, margin, min(max(s.get("shared", 0.0), 0.0), 4.0) / 4.0,
            s.get("similarity", 0.0), float(s.get("complete", False)),
            float(s.get("off_intent", False)), float(s.get("predicate_missing", False)),
            s.get("runner_up_coverage", 0.0), min(s.get("concepts", 0), 8) / 8.0,
            s.get("unknown_share", 0.0), min(s.get("rivals", 0), 3) / 3.0,
            float(row["decision"] == "answer"), coverage * margin]


def right(row):
    return bool(row["expected"]) and bool(row["ranked"]) and row["ranked"][0] in row["expected"]


def load():
    """Every evaluated question, as (collection, variant, set, row)."""
    rows = []
    work = tempfile.mkdtemp()
    # The shipped tuning set counts as a development ("dev") set here.
    sets = [(name, variant, "dev" if part == "tune" else part, faq, questions)
            for name, variant, part, faq, questions in evaluation_sets(ROOT)]
    for name, variant, part, faq, questions in sets:
        index = os.path.join(work, f"{name}-{variant}")
        for row in evaluate(faq, questions, index):
            rows.append((name, variant, part, row))
    return rows


def fit(x, y, w, l2=1e-3, steps=4000, rate=0.5):
    """Weighted logistic regression by gradient descent; returns (weights, bias)."""
    coef = np.zeros(x.shape[1])
    bias = 0.0
    total = w.sum()
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ coef + bias)))
        g = (p - y) * w
        coef -= rate * (x.T @ g / total + l2 * coef)
        bias -= rate * g.sum() / total
    return coef, bias


def probability(model, x):
    coef, bias = model
    return 1.0 / (1.0 + np.exp(-(x @ coef + bias)))


def metrics(rows, p, threshold):
    """answered_correct, wrong_answer_rate, oos_rejection when kotae answers what its
    rules answer or what the model is sure enough of."""
    in_scope = sum(1 for r in rows if r["expected"])
    oos = len(rows) - in_scope
    correct = wrong = oos_answered = 0
    for r, q in zip(rows, p):
        answers = (r["decision"] == "answer" or q >= threshold) and bool(r["ranked"])
        if not answers:
            continue
        if right(r):
            correct += 1
        else:
            wrong += 1
            oos_answered += not r["expected"]
    return (correct / max(in_scope, 1), wrong / max(len(rows), 1),
            1 - oos_answered / max(oos, 1))


def choose_threshold(rows, p):
    """The lowest threshold that adds at most EXTRA_WRONG wrong answers to the
    rules', averaged over the training collections."""
    by_collection = {}
    for (name, _, _, r), q in zip(rows, p):
        by_collection.setdefault(name, ([], []))
        by_collection[name][0].append(r)
        by_collection[name][1].append(q)
    for threshold in np.arange(0.50, 1.0, 0.01):
        extra = np.mean([metrics(rs, qs, threshold)[1] - metrics(rs, qs, 2.0)[1]
                         for rs, qs in by_collection.values()])
        if extra <= EXTRA_WRONG:
            return float(threshold)
    return 1.0


def matrix(rows):
    x = np.array([features(r) for (_, _, _, r) in rows])
    y = np.array([float(right(r)) for (_, _, _, r) in rows])
    counts = {}
    for (name, _, _, _) in rows:
        counts[name] = counts.get(name, 0) + 1
    # Each collection weighs the same, however many questions it has.
    w = np.array([1.0 / counts[name] for (name, _, _, _) in rows])
    return x, y, w


def main():
    rows = load()
    training = [t for t in rows if t[0] in DEV and t[2] == "dev"]
    print("| held out | faq | set | n | answered_correct (rules) | wrong (rules) | answered_correct (calibrated) | wrong (calibrated) | oos_rejection (calibrated) | threshold |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    collections = sorted({t[0] for t in rows})
    for held in collections:
        train = [t for t in training if t[0] != held]
        x, y, w = matrix(train)
        model = fit(x, y, w)
        threshold = choose_threshold(train, probability(model, x))
        for variant in ("faq", "faq-alt"):
            for part in ("dev", "holdout"):
                test = [t[3] for t in rows if t[0] == held and t[1] == variant and t[2] == part]
                if not test:
                    continue
                xt = np.array([features(r) for r in test])
                p = probability(model, xt)
                rules = metrics(test, [0.0] * len(test), 2.0)
                calibrated = metrics(test, p, threshold)
                print(f"| {held} | {variant} | {part} | {len(test)} | {rules[0]:.3f} | {rules[1]:.3f} | "
                      f"{calibrated[0]:.3f} | {calibrated[1]:.3f} | {calibrated[2]:.3f} | {threshold:.2f} |")
    x, y, w = matrix(training)
    model = fit(x, y, w)
    threshold = choose_threshold(training, probability(model, x))
    print("\nall dev collections: threshold %.2f" % threshold)
    for name, c in zip(FEATURES, model[0]):
        print("  %-20s %+.3f" % (name, c))
    print("  %-20s %+.3f" % ("bias", model[1]))


if __name__ == "__main__":
    main()
