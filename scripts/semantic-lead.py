#!/usr/bin/env python3
"""Leave-one-collection-out check of `semantic_lead`, the words' lead (times the
coverage of their best entry) in the semantic model's order of the choices kotae
offers.

    python3 scripts/semantic-lead.py [path/to/kotae]

For each lead in LEADS, every development collection (bare and with alternates)
and the shipped FAQ are evaluated on their dev (tuning) and held-aside sets. Then,
for each collection held out in turn, the lead with the best mean top1 on the
*other* collections' dev sets and the shipped tuning set (never rohto's, which is
held aside) is picked, and the
held-out collection's top1 with that lead is printed beside kotae's default.
Prints a markdown table.
"""
import json
import os
import subprocess
import sys
import tempfile

from evalsets import evaluation_sets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KOTAE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/kotae")
DICT = os.environ.get("KOTAE_DICT_DIR", os.path.join(ROOT, "target/eval-dictionary"))
LEADS = [0.0, 0.01, 0.02, 0.03, 0.04, 0.05]
DEFAULT = 0.03
# Never in a training pool: held aside entirely (tests/collections/rohto).
HELD_ASIDE = {"rohto"}


def top1(lead, faq, questions, work):
    config = os.path.join(work, "lead.toml")
    with open(config, "w") as f:
        f.write("[thresholds]\nsemantic_lead = %s\n" % lead)
    index = os.path.join(work, "index-" + faq.replace("/", "_"))
    out = subprocess.run(
        [KOTAE, "--config", config, "--faq", faq, "--index", index, "--dict-dir", DICT,
         "eval", questions, "--json"],
        check=True, capture_output=True, text=True).stdout.splitlines()
    return json.loads(out[-1])["top1"]


def main():
    with tempfile.TemporaryDirectory() as work:
        table = {}
        for lead in LEADS:
            for name, variant, part, faq, questions in evaluation_sets(ROOT):
                table[(lead, name, variant, part)] = top1(lead, faq, questions, work)
    names = sorted({k[1] for k in table})
    print("| held out | lead picked on the others | faq | set | top1 at the picked lead | top1 at %s (default) |" % DEFAULT)
    print("|---|---|---|---|---|---|")
    for held in names:
        training = [k[1:] for k in table if k[0] == DEFAULT and k[1] != held
                    and k[1] not in HELD_ASIDE and k[3] in ("dev", "tune")]
        picked = max(LEADS, key=lambda lead: sum(table[(lead,) + t] for t in training))
        for (lead, name, variant, part), _ in sorted(table.items()):
            if lead == DEFAULT and name == held:
                print("| %s | %s | %s | %s | %.3f | %.3f |" % (
                    held, picked, variant, part, table[(picked, name, variant, part)],
                    table[(DEFAULT, name, variant, part)]))


if __name__ == "__main__":
    main()
