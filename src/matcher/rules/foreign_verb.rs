//! `foreign-verb`: the question's action is one the FAQ never describes.
//!
//! Example: `間違えて登録した` or `会って話したい`: a verb in kanji unlike every word
//! of the FAQ names an action no entry is about, whatever nouns it shares.
//!
//! Reads: the question's kanji verbs against the FAQ's words (the concept stage's
//! `shares_first_kanji`), as [`Evidence::foreign_verb`]; shared concepts.
//!
//! [`Evidence::foreign_verb`]: super::Evidence::foreign_verb

use super::predicate::SHARED_WITHOUT_PREDICATE;
use super::{Case, Decision, Rule};

/// Offers choices when the question has a verb unlike any FAQ word and the entry
/// shares fewer than [`SHARED_WITHOUT_PREDICATE`] concepts.
pub struct ForeignVerb;

impl Rule for ForeignVerb {
    fn id(&self) -> &'static str {
        "foreign-verb"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        (case.best.foreign_verb && case.best.shared < SHARED_WITHOUT_PREDICATE).then(|| {
            format!(
                "the question's verb is unlike every FAQ word and fewer than {SHARED_WITHOUT_PREDICATE} concepts are shared"
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
    fn a_foreign_verb_needs_three_shared_concepts() {
        let table = [(2.0, Decision::Clarify), (3.0, Decision::Answer)];
        for (shared, expected) in table {
            let best = Evidence {
                foreign_verb: true,
                ..evidence(20.0, 0.8, shared, true)
            };
            assert_eq!(decision(best, 2.0), expected, "{shared}");
        }
    }
}
