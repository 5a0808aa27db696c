//! `rivals`: a generic question that several entries explain completely.
//!
//! Example: `私の情報は無事なのでしょうか`: 情報 and 無事 are in four entries; the one
//! whose phrasing says more (`出資金は無事ですか`) is not picked by a small lead.
//!
//! Reads: the other candidates that explain the whole question, the margin, and
//! the best candidate's phrasing similarity.

use super::{Case, Decision, Rule};

/// Coverage at which an entry explains the whole question.
pub const WHOLE: f32 = 0.99;
/// Other entries explaining the whole question that make it a choice.
pub const RIVALS: usize = 2;
/// A phrasing this close to the question is answered despite rivals.
const RIVALS_SIMILARITY: f32 = 0.7;
/// A lead this large is answered despite rivals.
const RIVALS_MARGIN: f32 = 0.1;

/// Offers choices when [`RIVALS`] other entries explain the whole question too,
/// unless the best leads by [`RIVALS_MARGIN`] or one of its phrasings is close to
/// the question ([`RIVALS_SIMILARITY`]).
pub struct Rivals;

impl Rule for Rivals {
    fn id(&self) -> &'static str {
        "rivals"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        (self.needs_similarity(case) && case.best.similarity < RIVALS_SIMILARITY).then(|| {
            format!(
                "{} other entries explain the whole question, and the best one's phrasings say more",
                case.rivals
            )
        })
    }

    fn needs_similarity(&self, case: &Case) -> bool {
        case.best.coverage >= WHOLE && case.rivals >= RIVALS && case.margin < RIVALS_MARGIN
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::evidence;
    use super::super::{Evidence, Rules};
    use super::*;
    use crate::config::Thresholds;

    #[test]
    fn a_generic_question_several_entries_explain_is_offered() {
        let thresholds = Thresholds::default();
        let generic = |similarity| Evidence {
            similarity,
            ..evidence(20.0, 1.0, 2.0, true)
        };
        let table = [
            (0.6, 19.0, 1, Decision::Answer),
            (0.6, 19.0, 2, Decision::Clarify),
            // A phrasing close to the question, or a clear lead, still answers.
            (0.8, 19.0, 2, Decision::Answer),
            (0.6, 17.0, 2, Decision::Answer),
        ];
        for (similarity, runner_up, rivals, expected) in table {
            let case = Case::new(&thresholds, generic(similarity), runner_up, rivals);
            assert_eq!(Rules::default().decide(&case).decision, expected);
        }
    }
}
