//! `low-confidence`: topical and ahead, but not sure enough to answer.
//!
//! Example: `出資金の返金について` covers 出資金 and not 返金: coverage 0.6 and a
//! clear margin still give a strength of about 0.2, and the member is offered
//! the entry rather than told it.
//!
//! Reads: the words' strength (coverage, or shared concepts for a long question,
//! cubed, times a margin term; see `rules::strength`).

use super::{Case, Decision, Rule};

/// Offers choices when the words' strength is below `answer_confidence`.
pub struct LowConfidence;

impl Rule for LowConfidence {
    fn id(&self) -> &'static str {
        "low-confidence"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        let least = case.thresholds.answer_confidence;
        (case.strength < least).then(|| format!("strength below answer_confidence {least:.2}"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::*;

    #[test]
    fn topical_but_unsure_is_offered() {
        let table = [
            (evidence(20.0, 0.6, 2.0, false), Decision::Clarify),
            (evidence(20.0, 1.0, 2.0, false), Decision::Answer),
        ];
        for (best, expected) in table {
            assert_eq!(decision(best, 8.0), expected, "{best:?}");
        }
    }
}
