//! `tie`: the runner-up is as good as the best.
//!
//! Example: `情報は大丈夫？` fits the entries on cards, accounts and points alike;
//! kotae offers them rather than picking one by a hair.
//!
//! Reads: the margin.

use super::{Case, Decision, Rule};

/// A lead of less than this share of the best score is a tie.
pub const TIE_MARGIN: f32 = 0.03;

/// Offers choices when the best leads the runner-up by less than [`TIE_MARGIN`].
pub struct Tie;

impl Rule for Tie {
    fn id(&self) -> &'static str {
        "tie"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        (case.margin < TIE_MARGIN)
            .then(|| format!("the runner-up is within {TIE_MARGIN:.2} of the best: a tie"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::*;

    #[test]
    fn a_lead_by_a_hair_is_a_tie_however_complete() {
        let table = [
            (10.0, Decision::Clarify),
            (9.8, Decision::Clarify),
            (9.5, Decision::Answer),
            (8.0, Decision::Answer),
        ];
        for (runner_up, expected) in table {
            assert_eq!(decision(evidence(10.0, 1.0, 3.0, true), runner_up), expected);
        }
    }

    #[test]
    fn neighbours_with_close_scores_are_offered_not_picked() {
        assert_eq!(decision(evidence(10.0, 0.8, 2.0, false), 9.5), Decision::Clarify);
    }
}
