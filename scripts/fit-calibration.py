#!/usr/bin/env python3
"""Fits kotae's calibrated confidence and measures it leave-one-collection-out.

    python3 scripts/fit-calibration.py [path/to/kotae] [--write] [--decide] [--confident] [--fit-shipped]

The confidence is a logistic model over the generic features `kotae eval --json`
reports for every reply (`features`): it says how likely the reply's first entry is
the right one. Two models, as in `src/matcher/calibration.rs`: `words`, fitted on
replies without the semantic model (`--without semantic`, every question), and
`semantic`, fitted on the replies the model ordered (those the words did not
answer, with the model installed).

Fitted on the dev sets of the development collections, each weighing the same.
The shipped FAQ is not fitted on: its rules and constants were tuned on it, so its
replies are not those of a new FAQ (fitted with it, the held-out collections' ECE
doubles: `--fit-shipped` shows it); it is measured like any held-out collection. Any other collection
(rohto) is held aside and never fitted on. The table gives, per collection held out in turn, the expected
calibration error (ECE, 10 bins) of the models fitted on the others, beside the
naive confidence (the words' strength, kotae's confidence before calibration).
With `--write`, the weights fitted on every development collection go to
`lang/ja/calibration.toml` and the held-out predictions to
`docs/eval/reliability.csv`, which `cargo run --release --example reliability`
draws as `docs/reliability.png`. With `--decide`, a second table: what answering
on the confidence would do (answer what the rules answer, or the first entry when
the confidence reaches the lowest threshold that adds at most 1 % wrong answers on
each training collection), leave one collection out. With `--confident`, a third
table: the `confident` rule's threshold (`confident_answer`), leave one collection
out: the models are refitted without the held-out collection, the rule is replayed
on replies evaluated without it (`--without rule:confident`), and the threshold is
the lowest that adds at most 0.5 % wrong answers (none on a set of a hundred
questions) on every other development set and the shipped tuning set. Needs numpy.
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
# Collections fitted on; the shipped FAQ and any other directory under
# tests/collections are held aside.
DEV = ["voicevox", "gear", "mynumber"]
if "--fit-shipped" in sys.argv:
    DEV.append("shipped")
WORDS = ["coverage", "margin", "shared", "complete", "off_intent", "predicate_missing",
         "runner_up_coverage", "concepts", "unknown_share", "rivals", "strength", "answered"]
SEMANTIC = WORDS + ["semantic_first", "semantic_lead", "semantic_agrees"]
L2 = 1e-2
BINS = 10
# Wrong answers answering on the confidence may add, per training collection.
EXTRA_WRONG = 0.01
# Wrong answers the `confident` rule may add, per development set: none on a set
# of a hundred questions.
CONFIDENT_EXTRA_WRONG = 0.005


def evaluate(faq, questions, index, *extra):
    out = subprocess.run(
        [KOTAE, "--faq", faq, "--index", index, "--dict-dir", DICT, "eval", questions, "--json", *extra],
        check=True, capture_output=True, text=True).stdout.splitlines()
    return [json.loads(line) for line in out[:-1]]


def load():
    """Every evaluated reply, as dicts: collection, variant, part, mode, row."""
    rows = []
    work = tempfile.mkdtemp()
    for name, variant, part, faq, questions in evaluation_sets(ROOT):
        index = os.path.join(work, f"{name}-{variant}")
        modes = [("model", ()), ("words", ("--without", "semantic"))]
        if "--confident" in sys.argv:
            modes.append(("base", ("--without", "rule:confident")))
        for mode, extra in modes:
            for row in evaluate(faq, questions, index, *extra):
                rows.append({"collection": name, "variant": variant, "part": part,
                             "mode": mode, "row": row})
    return rows


def right(row):
    return float(bool(row["expected"]) and bool(row["ranked"]) and row["ranked"][0] in row["expected"])


def usable(t, names):
    f = t["row"].get("features")
    return f is not None and all(n in f for n in names)


def matrix(items, names):
    x = np.array([[t["row"]["features"][n] for n in names] for t in items])
    y = np.array([right(t["row"]) for t in items])
    counts = {}
    for t in items:
        counts[t["collection"]] = counts.get(t["collection"], 0) + 1
    # Each collection weighs the same, however many questions it has.
    w = np.array([1.0 / counts[t["collection"]] for t in items])
    return x, y, w


def fit(x, y, w, steps=6000, rate=0.5):
    """Weighted, L2-regularized logistic regression on standardized features;
    returns weights and bias for the raw features."""
    total = w.sum()
    mu = (x * w[:, None]).sum(0) / total
    sd = np.sqrt(((x - mu) ** 2 * w[:, None]).sum(0) / total)
    sd[sd < 1e-6] = 1.0
    xs = (x - mu) / sd
    coef = np.zeros(x.shape[1])
    bias = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xs @ coef + bias)))
        g = (p - y) * w
        coef -= rate * (xs.T @ g / total + L2 * coef)
        bias -= rate * g.sum() / total
    raw = coef / sd
    return raw, bias - float((coef * mu / sd).sum())


def predict(model, x):
    coef, bias = model
    return 1.0 / (1.0 + np.exp(-(x @ coef + bias)))


def models(training):
    words = [t for t in training if t["mode"] == "words" and usable(t, WORDS)]
    semantic = [t for t in training if t["mode"] == "model" and usable(t, SEMANTIC)]
    return fit(*matrix(words, WORDS)), fit(*matrix(semantic, SEMANTIC))


def confidences(items, fitted):
    """The calibrated confidence of each reply, by the model kotae would use."""
    words, semantic = fitted
    out = []
    for t in items:
        f = t["row"].get("features")
        if f is None:
            out.append(0.0)
        elif "semantic_first" in f:
            out.append(float(predict(semantic, np.array([f[n] for n in SEMANTIC]))))
        else:
            out.append(float(predict(words, np.array([f[n] for n in WORDS]))))
    return out


def ece(p, y):
    p, y = np.array(p), np.array(y)
    bins = np.minimum((p * BINS).astype(int), BINS - 1)
    return sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).sum()
               for b in range(BINS) if (bins == b).any()) / max(len(p), 1)


def brier(p, y):
    return float(np.mean((np.array(p) - np.array(y)) ** 2))


def naive(items):
    return [(t["row"].get("signals") or {}).get("strength", 0.0) for t in items]


def report(rows):
    training = [t for t in rows if t["collection"] in DEV and t["part"] in ("dev", "tune")]
    print("| held out | faq | set | n | ECE naive (strength) | ECE calibrated, words only | ECE calibrated, with model | Brier, with model | not answered: mean confidence / share right |")
    print("|---|---|---|---|---|---|---|---|---|")
    held_out = []
    for held in sorted({t["collection"] for t in rows}):
        fitted = models([t for t in training if t["collection"] != held])
        for variant in ("faq", "faq-alt"):
            for part in ("tune", "dev", "holdout"):
                test = {mode: [t for t in rows if (t["collection"], t["variant"], t["part"], t["mode"])
                               == (held, variant, part, mode)] for mode in ("model", "words")}
                if not test["model"]:
                    continue
                y = [right(t["row"]) for t in test["model"]]
                yw = [right(t["row"]) for t in test["words"]]
                with_model = confidences(test["model"], fitted)
                words_only = confidences(test["words"], fitted)
                held_out += [(held, p, r) for p, r in zip(with_model, y)]
                unanswered = [(p, r) for p, r, t in zip(with_model, y, test["model"])
                              if t["row"]["decision"] != "answer"]
                print(f"| {held} | {variant} | {part} | {len(y)} | {ece(naive(test['model']), y):.3f} | "
                      f"{ece(words_only, yw):.3f} | {ece(with_model, y):.3f} | {brier(with_model, y):.3f} | "
                      f"{np.mean([u[0] for u in unanswered]):.2f} / {np.mean([u[1] for u in unanswered]):.2f} |")
    for label, keep in (("new FAQs", lambda name: name != "shipped"), ("shipped FAQ", lambda name: name == "shipped")):
        p = [h[1] for h in held_out if keep(h[0])]
        y = [h[2] for h in held_out if keep(h[0])]
        print(f"\nheld-out predictions, {label}: n {len(p)}, ECE {ece(p, y):.3f}, Brier {brier(p, y):.3f}")
    return training, held_out


def outcomes(items, p, threshold):
    """answered_correct and wrong_answer_rate when kotae answers what its rules
    answer, or its first entry when the confidence reaches `threshold`."""
    in_scope = sum(1 for t in items if t["row"]["expected"])
    correct = wrong = 0
    for t, q in zip(items, p):
        row = t["row"]
        if row["ranked"] and (row["decision"] == "answer" or q >= threshold):
            correct += right(row) > 0
            wrong += right(row) == 0
    return correct / max(in_scope, 1), wrong / max(len(items), 1)


def choose_threshold(training, fitted):
    """The lowest threshold that adds at most EXTRA_WRONG wrong answers to the
    rules', on every training collection."""
    by_collection = {}
    for t in training:
        if t["mode"] == "model":
            by_collection.setdefault(t["collection"], []).append(t)
    scored = [(items, confidences(items, fitted)) for items in by_collection.values()]
    for threshold in np.arange(0.50, 1.0, 0.01):
        if all(outcomes(items, p, threshold)[1] - outcomes(items, p, 2.0)[1] <= EXTRA_WRONG
               for items, p in scored):
            return float(threshold)
    return 1.0


def held_out_sets(rows, held, mode):
    """(variant, part, replies) of the held-out collection's evaluated sets, in mode."""
    for variant in ("faq", "faq-alt"):
        for part in ("tune", "dev", "holdout"):
            test = [t for t in rows if (t["collection"], t["variant"], t["part"], t["mode"])
                    == (held, variant, part, mode)]
            if test:
                yield variant, part, test


def deciding(rows):
    """What answering on the confidence would do, leave one collection out."""
    training = [t for t in rows if t["collection"] in DEV and t["part"] in ("dev", "tune")]
    print("\n| held out | faq | set | threshold | answered_correct rules → with confidence | wrong rules → with confidence |")
    print("|---|---|---|---|---|---|")
    for held in sorted({t["collection"] for t in rows}):
        train = [t for t in training if t["collection"] != held]
        fitted = models(train)
        threshold = choose_threshold(train, fitted)
        for variant, part, test in held_out_sets(rows, held, "model"):
            p = confidences(test, fitted)
            (ac0, w0), (ac1, w1) = outcomes(test, p, 2.0), outcomes(test, p, threshold)
            print(f"| {held} | {variant} | {part} | {threshold:.2f} | {ac0:.3f} → {ac1:.3f} | {w0:.3f} → {w1:.3f} |")


def overridable(row):
    """A reply the `confident` rule may answer: refused by `low-confidence` alone,
    with the model's first choice the words' best."""
    features = row.get("features") or {}
    return (row["decision"] != "answer" and features.get("semantic_agrees") == 1.0
            and row["reason"].split("; ")[-1].startswith("strength below answer_confidence"))


def replay(items, p, threshold):
    """answered_correct and wrong_answer_rate with the `confident` rule at `threshold`."""
    in_scope = sum(1 for t in items if t["row"]["expected"])
    correct = wrong = 0
    for t, q in zip(items, p):
        row = t["row"]
        if row["decision"] == "answer" or (overridable(row) and q >= threshold):
            correct += right(row) > 0
            wrong += right(row) == 0
    return correct / max(in_scope, 1), wrong / max(len(items), 1)


def confident(rows):
    """The `confident` rule's threshold, leave one collection out."""
    training = [t for t in rows if t["collection"] in DEV and t["part"] in ("dev", "tune")]
    tuning = [t for t in rows if t["mode"] == "base" and t["part"] in ("dev", "tune")
              and t["collection"] in DEV + ["shipped"]]
    print("\n| held out | threshold picked on the others | faq | set | answered_correct without → with the rule | wrong without → with the rule |")
    print("|---|---|---|---|---|---|")
    for held in sorted({t["collection"] for t in rows}):
        fitted = models([t for t in training if t["collection"] != held])
        sets = {}
        for t in tuning:
            if t["collection"] != held:
                sets.setdefault((t["collection"], t["variant"]), []).append(t)
        scored = [(items, confidences(items, fitted)) for items in sets.values()]
        threshold = next((float(x) for x in np.arange(0.50, 1.0, 0.05)
                          if all(replay(items, p, x)[1] - replay(items, p, 2.0)[1] <= CONFIDENT_EXTRA_WRONG
                                 for items, p in scored)), 1.0)
        for variant, part, test in held_out_sets(rows, held, "base"):
            p = confidences(test, fitted)
            (ac0, w0), (ac1, w1) = replay(test, p, 2.0), replay(test, p, threshold)
            print(f"| {held} | {threshold:.2f} | {variant} | {part} | {ac0:.3f} → {ac1:.3f} | {w0:.3f} → {w1:.3f} |")


def write(training, held_out):
    words, semantic = models(training)
    lines = ["# The calibrated confidence's weights (src/matcher/calibration.rs): a logistic",
             "# model per reply kind, over raw feature values, fitted by",
             "# scripts/fit-calibration.py on the dev sets of the development collections",
             f"# ({', '.join(DEV)}). Generated: run the script with --write.", ""]
    for section, names, (coef, bias) in (("words", WORDS, words), ("semantic", SEMANTIC, semantic)):
        lines += [f"[{section}]", f"bias = {bias:.4f}"]
        lines += [f"{n} = {c:.4f}" for n, c in zip(names, coef)]
        lines.append("")
    with open(os.path.join(ROOT, "lang/ja/calibration.toml"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(ROOT, "docs/eval/reliability.csv"), "w") as f:
        f.write("collection,confidence,right\n")
        for name, p, r in held_out:
            f.write(f"{name},{p:.4f},{int(r)}\n")
    print("wrote lang/ja/calibration.toml and docs/eval/reliability.csv")


def main():
    rows = load()
    training, held_out = report(rows)
    if "--decide" in sys.argv:
        deciding(rows)
    if "--confident" in sys.argv:
        confident(rows)
    if "--write" in sys.argv:
        write(training, held_out)


if __name__ == "__main__":
    main()
