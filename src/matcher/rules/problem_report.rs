//! `problem-report`: the question reports that something does not work, and the
//! entry only says it works.
//!
//! Example: `電話がつながりません` reports a problem with the hotline; the entry
//! giving the hotline's number and hours reports none.
//!
//! Reads: the question's reported problem (`intent::reported_problem`) and the
//! entry's fact `Vocabulary::reports`, as [`Evidence::problem_unreported`].
//!
//! [`Evidence::problem_unreported`]: super::Evidence::problem_unreported

use super::{Case, Decision, Rule};

/// Offers choices when the question reports a problem the entry does not.
pub struct ProblemReport;

impl Rule for ProblemReport {
    fn id(&self) -> &'static str {
        "problem-report"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        case.best
            .problem_unreported
            .then(|| "the question reports a problem; the entry does not describe one".into())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::super::Evidence;
    use super::*;

    #[test]
    fn a_reported_problem_is_not_answered_by_an_entry_that_reports_none() {
        let table = [(true, Decision::Clarify), (false, Decision::Answer)];
        for (unreported, expected) in table {
            let best = Evidence {
                problem_unreported: unreported,
                ..evidence(20.0, 1.0, 2.0, true)
            };
            assert_eq!(decision(best, 2.0), expected);
        }
    }
}
