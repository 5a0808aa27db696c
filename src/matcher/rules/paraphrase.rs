//! `paraphrase`: the words are unsure, but the question restates one of the
//! best entry's phrasings.
//!
//! Example: on a theatre's FAQ imported bare (`tests/collections/gear`),
//! `ギア部っていったい何？` restates the official `ギア部とは何ですか？` but shares one
//! concept with it; the words alone would only offer it.
//!
//! Reads: the semantic model's closeness of the question to the best entry's
//! closest phrasing, present only when the model ranks that entry first too. It
//! is asked after every rule that finds something the entry does not say (a
//! procedure, a problem, a predicate, a tie, rivals), and before the rules that
//! only find the words' evidence thin (`too-few-concepts`, `low-confidence`).

use super::{Case, Decision, Rule};

/// Least closeness (e5 cosine) of the question to the best entry's closest
/// phrasing for a restatement. Below it, near misses that ask another thing
/// about the same subject (`グッズの値段を知りたい` next to the entry on where goods
/// are sold) are as close as paraphrases.
pub const PARAPHRASE_CLOSENESS: f32 = 0.92;

/// Answers when the question restates one of the best entry's phrasings.
pub struct Paraphrase;

impl Rule for Paraphrase {
    fn id(&self) -> &'static str {
        "paraphrase"
    }

    fn decision(&self) -> Decision {
        Decision::Answer
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        let closeness = case.paraphrase?;
        (closeness >= PARAPHRASE_CLOSENESS).then(|| {
            format!(
                "the question restates one of its phrasings (semantic closeness {closeness:.3} ≥ {PARAPHRASE_CLOSENESS}), and the model ranks it first too"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::evidence;
    use super::super::{Rules, Thresholds};
    use super::*;

    #[test]
    fn a_restatement_the_model_agrees_on_is_answered() {
        let thresholds = Thresholds::default();
        // Two concepts shared out of five: the words alone would offer it.
        let thin = Case::new(&thresholds, evidence(10.0, 0.4, 2.0, false), 4.0, 0);
        let table = [
            (None, Decision::Clarify),
            (Some(0.90), Decision::Clarify),
            (Some(0.93), Decision::Answer),
        ];
        for (paraphrase, expected) in table {
            let case = match paraphrase {
                Some(closeness) => thin.with_paraphrase(closeness),
                None => thin,
            };
            assert_eq!(Rules::default().decide(&case).decision, expected, "{paraphrase:?}");
        }
    }

    #[test]
    fn a_tie_is_still_offered_however_close() {
        let thresholds = Thresholds::default();
        let tie = Case::new(&thresholds, evidence(10.0, 0.4, 2.0, false), 10.0, 0);
        let verdict = Rules::default().decide(&tie.with_paraphrase(0.97));
        assert_eq!(verdict.decision, Decision::Clarify);
        assert_eq!(verdict.rule, Some("tie"));
    }
}
