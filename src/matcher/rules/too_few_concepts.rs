//! `too-few-concepts`: the best entry is not topical.
//!
//! Example: `カードの再発行に必要な書類は` shares カード with the entry on cards and
//! nothing else: a single shared word among other, unmatched words never suffices,
//! whatever its rarity.
//!
//! An entry is topical when any of these holds:
//! - it shares at least `answer_min_concepts` of the question's concepts;
//! - it shares one concept and one found only in its answer (`出資金のバックアップは`,
//!   `復旧の見通しを教えて`) that explain [`COVERAGE_WITH_FEWER_SHARED`] of the
//!   question, unless the half is only the head of a compound the FAQ never uses
//!   (`銀行の引落日`: the debit date is not the account);
//! - it is complete: every concept of the question is in its phrasings (`復旧はいつ？`);
//! - the question echoes one of its phrasings (`購入の履歴もですか` and
//!   `購入履歴も対象ですか`): coverage [`ECHO_COVERAGE`] and similarity
//!   [`ECHO_SIMILARITY`], because the phrasing has little the question lacks and
//!   the question nothing the phrasing lacks.
//!
//! Reads: shared concepts, coverage, completeness, `via_head`, and the phrasing
//! similarity when only the echo can make the entry topical.

use super::{Case, Decision, Rule};

/// Least coverage for a question that echoes one of the entry's phrasings.
pub const ECHO_COVERAGE: f32 = 0.9;
/// Least phrasing similarity for an echo.
pub const ECHO_SIMILARITY: f32 = 0.7;
/// One concept and one found only in the answer.
const SHARED_WITH_COVERAGE: f32 = 1.5;
/// Least coverage for [`SHARED_WITH_COVERAGE`] to be topical.
const COVERAGE_WITH_FEWER_SHARED: f32 = 0.75;

/// Offers choices when the best entry is not topical by any of the criteria above.
pub struct TooFewConcepts;

/// Topical by shared concepts or completeness alone, without similarity.
fn topical_anyway(case: &Case) -> bool {
    case.best.shared >= case.thresholds.answer_min_concepts as f32 || case.best.complete
}

impl Rule for TooFewConcepts {
    fn id(&self) -> &'static str {
        "too-few-concepts"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        let best = &case.best;
        let topical = topical_anyway(case)
            || (best.shared >= SHARED_WITH_COVERAGE
                && best.coverage >= COVERAGE_WITH_FEWER_SHARED
                && !best.via_head)
            || (self.needs_similarity(case) && best.similarity >= ECHO_SIMILARITY);
        (!topical).then(|| {
            format!(
                "fewer than {} shared concepts and not all of the question",
                case.thresholds.answer_min_concepts
            )
        })
    }

    fn needs_similarity(&self, case: &Case) -> bool {
        !topical_anyway(case) && case.best.coverage >= ECHO_COVERAGE
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::super::Evidence;
    use super::*;
    use crate::config::Thresholds;

    #[test]
    fn one_rare_shared_word_among_others_never_answers() {
        // However high its score and margin: one concept of several.
        assert_eq!(decision(evidence(30.0, 0.6, 1.0, false), 1.0), Decision::Clarify);
    }

    #[test]
    fn a_one_concept_question_fully_covered_may_answer() {
        assert_eq!(decision(evidence(10.0, 1.0, 1.0, true), 2.0), Decision::Answer);
    }

    #[test]
    fn one_concept_and_a_half_suffice_when_they_explain_most_of_the_question() {
        let table = [
            (0.8, false, Decision::Answer),
            (0.7, false, Decision::Clarify),
            (0.8, true, Decision::Clarify),
        ];
        for (coverage, via_head, expected) in table {
            let best = Evidence {
                via_head,
                ..evidence(20.0, coverage, 1.5, false)
            };
            assert_eq!(decision(best, 2.0), expected, "{coverage} {via_head}");
        }
    }

    #[test]
    fn an_echo_of_one_phrasing_is_topical_with_one_concept() {
        let thresholds = Thresholds::default();
        let echo = |similarity| Evidence {
            similarity,
            ..evidence(10.0, 1.0, 1.0, false)
        };
        assert!(TooFewConcepts.needs_similarity(&Case::new(&thresholds, echo(0.8), 2.0, 0)));
        assert_eq!(decision(echo(0.8), 2.0), Decision::Answer);
        assert_eq!(decision(echo(0.5), 2.0), Decision::Clarify);
        // Topical by shared concepts: similarity is not needed (nor computed).
        let shared = Case::new(&thresholds, evidence(10.0, 1.0, 2.0, false), 2.0, 0);
        assert!(!TooFewConcepts.needs_similarity(&shared));
    }

    #[test]
    fn a_long_question_sharing_many_concepts_is_answered() {
        // Half of a rambling question's weight is context, but five concepts match.
        assert_eq!(decision(evidence(20.0, 0.5, 5.0, false), 8.0), Decision::Answer);
        // The same coverage with two shared concepts is not enough.
        assert_eq!(decision(evidence(20.0, 0.5, 2.0, false), 8.0), Decision::Clarify);
    }
}
