"""The evaluation sets the measuring scripts share: the shipped FAQ's own question
sets, then every development collection's (tests/collections/<name>/), bare and
with alternates."""
import os


def evaluation_sets(root):
    """(collection, faq variant, set, faq dir, questions file) for every evaluation;
    the shipped FAQ's sets are named "tune" and "holdout"."""
    for part in ("tune", "holdout"):
        yield "shipped", "faq", part, os.path.join(root, "faq"), os.path.join(root, "tests/eval", part + ".jsonl")
    base = os.path.join(root, "tests/collections")
    for name in sorted(os.listdir(base)):
        for variant in ("faq", "faq-alt"):
            for part in ("dev", "holdout"):
                faq = os.path.join(base, name, variant)
                questions = os.path.join(base, name, part + ".jsonl")
                if os.path.isdir(faq) and os.path.isfile(questions):
                    yield name, variant, part, faq, questions
