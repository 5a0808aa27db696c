//! `confident`: the words' strength is low, but the semantic model orders the
//! words' best entry first too, and the calibrated confidence that it is right
//! reaches `confident_answer`.
//!
//! Example: on the theatre's FAQ imported bare (`tests/collections/gear`),
//! `傘を預けておける場所はありますか` shares 傘 and 預ける with the entry on the
//! umbrella stand (coverage 0.54, strength 0.15, below `answer_confidence`); the
//! model also ranks that entry first, and the calibrated confidence is 0.94.
//!
//! Reads: the calibrated confidence (`calibration.rs`, the model's signals with the
//! words', as a reply that does not answer would report it), present only when
//! the model's first choice is the words' best entry. It is asked after every rule
//! that finds something the entry does not say and after `too-few-concepts`, so it
//! can only overrule `low-confidence`: the words point at one topical entry but
//! explain too little of the question to be sure by themselves.

use super::{Case, Decision, Rule};

/// Answers when the model agrees with the words and the calibrated confidence
/// reaches `confident_answer`.
pub struct Confident;

impl Rule for Confident {
    fn id(&self) -> &'static str {
        "confident"
    }

    fn decision(&self) -> Decision {
        Decision::Answer
    }

    fn speaks(&self, case: &Case) -> Option<String> {
        let confidence = case.model_confidence?;
        let least = case.thresholds.confident_answer;
        (confidence >= least).then(|| {
            format!(
                "the model ranks it first too, and the calibrated confidence {confidence:.2} reaches confident_answer {least:.2}"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::evidence;
    use super::super::{Rules, Thresholds};
    use super::*;

    #[test]
    fn thin_words_the_model_confirms_confidently_are_answered() {
        let thresholds = Thresholds::default();
        let least = thresholds.confident_answer;
        // Two concepts shared, coverage 0.5: topical, but the strength is low.
        let thin = Case::new(&thresholds, evidence(10.0, 0.5, 2.0, false), 6.0, 0);
        let table = [
            (None, Decision::Clarify),
            (Some(least - 0.01), Decision::Clarify),
            (Some(least), Decision::Answer),
        ];
        for (confidence, expected) in table {
            let case = match confidence {
                Some(confidence) => thin.with_model_confidence(confidence),
                None => thin,
            };
            assert_eq!(Rules::default().decide(&case).decision, expected, "{confidence:?}");
        }
    }

    #[test]
    fn an_entry_that_is_not_topical_is_still_offered_however_confident() {
        let thresholds = Thresholds::default();
        // One concept shared: `too-few-concepts` speaks first.
        let one = Case::new(&thresholds, evidence(10.0, 0.5, 1.0, false), 2.0, 0);
        let verdict = Rules::default().decide(&one.with_model_confidence(0.99));
        assert_eq!(verdict.decision, Decision::Clarify);
        assert_eq!(verdict.rule, Some("too-few-concepts"));
    }
}
