//! `predicate`: the entry lacks the question's main predicate.
//!
//! Example: `クレジットカード払いはできますか` shares two nouns with the entry on
//! cards and asks something else: its predicate is a word the FAQ uses elsewhere,
//! and that entry does not have it.
//!
//! Reads: the question's main predicate (`intent::predicate`) and whether the
//! entry gives it credit, as [`Evidence::predicate_missing`]; shared concepts.
//! An entry with only its official question is not judged: that question's
//! predicate is one editor's wording, and members say the same with other verbs
//! (`チケットが見当たらない` for `チケットを紛失してしまいました`).
//!
//! [`Evidence::predicate_missing`]: super::Evidence::predicate_missing

use super::{Case, Decision, Rule};

/// Shared concepts that make an entry topical though it lacks the question's main
/// predicate: then its nouns alone say which entry the question is about.
pub const SHARED_WITHOUT_PREDICATE: f32 = 3.0;

/// Offers choices when the entry lacks the question's predicate and shares fewer
/// than [`SHARED_WITHOUT_PREDICATE`] concepts.
pub struct Predicate;

impl Rule for Predicate {
    fn id(&self) -> &'static str {
        "predicate"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        (case.best.predicate_missing && case.best.shared < SHARED_WITHOUT_PREDICATE).then(|| {
            format!(
                "the entry lacks the question's predicate and shares fewer than {SHARED_WITHOUT_PREDICATE} concepts"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::super::Evidence;
    use super::*;

    #[test]
    fn an_entry_without_the_questions_predicate_needs_three_shared_concepts() {
        let table = [(2.0, Decision::Clarify), (3.0, Decision::Answer)];
        for (shared, expected) in table {
            let best = Evidence {
                predicate_missing: true,
                ..evidence(20.0, 0.8, shared, true)
            };
            assert_eq!(decision(best, 2.0), expected, "{shared}");
        }
    }
}
