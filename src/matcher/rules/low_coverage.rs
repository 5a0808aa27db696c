//! `low-coverage`: nothing plausible, so the hotline.
//!
//! Example: `駐車場はありますか` shares no concept with any entry of the notice, or
//! shares one word of many; no entry is worth offering.
//!
//! Reads: the best candidate's coverage and shared concepts.

use super::{Case, Decision, Rule};

/// Falls back when the best entry covers less than `clarify_coverage` of the
/// question, or shares no concept with it.
pub struct LowCoverage;

impl Rule for LowCoverage {
    fn id(&self) -> &'static str {
        "low-coverage"
    }

    fn decision(&self) -> Decision {
        Decision::Fallback
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        let limit = case.thresholds.clarify_coverage;
        (case.best.coverage < limit || case.best.shared == 0.0)
            .then(|| format!("coverage below clarify_coverage {limit:.2}"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::*;

    #[test]
    fn low_coverage_or_nothing_shared_falls_back() {
        let table = [
            (evidence(10.0, 0.1, 1.0, false), Decision::Fallback),
            (evidence(10.0, 0.0, 0.0, false), Decision::Fallback),
            (evidence(10.0, 0.9, 0.0, false), Decision::Fallback),
            (evidence(10.0, 1.0, 2.0, true), Decision::Answer),
        ];
        for (best, expected) in table {
            assert_eq!(decision(best, 0.0), expected, "{best:?}");
        }
    }
}
