//! `unstated-fact`: the question asks for a price, a time or a count the entry
//! never states.
//!
//! Example: `グッズの値段を知りたい` shares `グッズ` with the entry on where goods
//! are sold, but no text of that entry names an amount: it answers another
//! question about the same thing. Paraphrases keep what they ask for, so this
//! near miss is told apart by the kind of fact asked, not by its words.
//!
//! Reads: the kinds of fact the question asks for and the entry's texts state
//! (`lang/ja/asked_facts.txt`, `intent::asked_facts` / `intent::stated_facts`), as
//! [`Evidence::fact_unstated`].
//!
//! [`Evidence::fact_unstated`]: super::Evidence::fact_unstated

use super::{Case, Decision, Rule};

/// Offers choices when the question asks for a kind of fact the entry never states.
pub struct UnstatedFact;

impl Rule for UnstatedFact {
    fn id(&self) -> &'static str {
        "unstated-fact"
    }

    fn decision(&self) -> Decision {
        Decision::Clarify
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        case.best.fact_unstated.then(|| {
            "the question asks for a price, time or count no text of the entry states".into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{decision, evidence};
    use super::super::Evidence;
    use super::*;

    #[test]
    fn a_fact_the_entry_never_states_is_not_answered_even_at_full_coverage() {
        let table = [(true, Decision::Clarify), (false, Decision::Answer)];
        for (unstated, expected) in table {
            let best = Evidence {
                fact_unstated: unstated,
                ..evidence(20.0, 1.0, 3.0, true)
            };
            assert_eq!(decision(best, 2.0), expected, "{unstated}");
        }
    }
}
