//! `procedure`: the question asks how to do something the entry does not describe.
//!
//! Example: `登録し直したい` asks for a procedure; the entry on deleting data shares
//! 登録 but none of its phrasings asks how to do anything of the kind.
//!
//! Reads: the question's procedure signal (`intent::procedure`: an action, a
//! request or whether something can be done) and the entry's fact
//! `Vocabulary::answers_procedure`, as [`Evidence::procedure_unanswered`].
//!
//! [`Evidence::procedure_unanswered`]: super::Evidence::procedure_unanswered

use super::{Case, Decision, Rule};

/// Offers choices when the question asks for a procedure the entry lacks.
pub struct Procedure;

impl Rule for Procedure {
    fn id(&self) -> &'static str {
        "procedure"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        case.best
            .procedure_unanswered
            .then(|| "the question asks for a procedure; the entry does not describe it".into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::super::Evidence;
    use super::*;

    #[test]
    fn a_procedure_question_is_not_answered_by_a_status_entry() {
        let table = [(true, Decision::Clarify), (false, Decision::Answer)];
        for (unanswered, expected) in table {
            let best = Evidence {
                procedure_unanswered: unanswered,
                ..evidence(20.0, 1.0, 2.0, true)
            };
            assert_eq!(decision(best, 2.0), expected);
        }
    }
}
