//! The decision: plain Rust over the evidence for the best candidates, so it can be
//! specified and tested without an index.

use serde::Serialize;

use crate::config::Thresholds;

/// What kotae does with a question.
///
/// Invariant: `Answer` is only decided when the best entry's evidence is *topical*:
/// it shares at least `answer_min_concepts` of the question's concepts, or every
/// concept of the question is in the entry's phrasings (`復旧はいつ？` for the
/// entry on recovery; a one-word question only for the entry whose official
/// question names the word, or any entry when only its phrasings have the words
/// and the question asks nothing or how it stands, `どう`), or the question
/// echoes one of its phrasings closely, or it shares one concept and one more found
/// only in its answer that together explain at least 75 % of the question. A single
/// shared word among other, unmatched words never suffices, whatever its rarity;
/// when the entry lacks the question's main predicate, a word the FAQ uses
/// elsewhere, only three shared concepts do. The best must also lead the runner-up
/// by at least 3 % (a tie), and the confidence must reach `answer_confidence`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// One clear best entry: its official answer is given.
    Answer,
    /// Plausible entries, none certain: they are offered as choices.
    Clarify,
    /// Nothing plausible: the hotline is given instead.
    Fallback,
    /// A greeting or thanks: a short reply, no FAQ answer.
    Smalltalk,
}

impl Decision {
    /// The API name of the decision.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Answer => "answer",
            Decision::Clarify => "clarify",
            Decision::Fallback => "fallback",
            Decision::Smalltalk => "smalltalk",
        }
    }
}

/// What the matcher found for one candidate entry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    /// Aggregated retrieval score.
    pub score: f32,
    /// Weighted share of the question's concepts the entry contains, in [0, 1].
    pub coverage: f32,
    /// Two-sided match with the entry's closest phrasing, in [0, 1].
    pub similarity: f32,
    /// Weighted share of the entry's phrasings that use the question's concepts.
    pub centrality: f32,
    /// Concepts shared, counting one found only in the answer text as half.
    pub shared: f32,
    /// Whether every concept of the question was found in the entry's phrasings
    /// (but `どう` when no other candidate has the question's words).
    pub complete: bool,
    /// The question asks how to do something none of the entry's phrasings ask
    /// (`登録し直したい` for the entry on deleting data), or reports a problem with
    /// what the entry says works (`電話がつながりません`) and none of its phrasings
    /// reports one.
    pub off_intent: bool,
    /// The question's main predicate is not among the entry's words: a word the
    /// FAQ knows, or one written in kanji that the FAQ never uses.
    pub predicate_missing: bool,
    /// Some of the shared evidence is only the known head of a compound the FAQ
    /// never uses (`引落` of `引落日`).
    pub via_head: bool,
}

/// What any FAQ's best candidate can be judged by: generic evidence, the same
/// quantities whatever the collection, read by the calibrated confidence
/// ([`super::calibration`]) and shown by `eval --json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Signals {
    /// The best candidate's coverage of the question.
    pub coverage: f32,
    /// Its lead over the runner-up's score, as a share of its score.
    pub margin: f32,
    /// Concepts it shares with the question.
    pub shared: f32,
    /// Two-sided match with its closest phrasing.
    pub similarity: f32,
    /// Every concept of the question is in its phrasings.
    pub complete: bool,
    /// The question asks a procedure or reports a problem it does not describe.
    pub off_intent: bool,
    /// The question's main predicate is not among its words.
    pub predicate_missing: bool,
    /// The runner-up's coverage.
    pub runner_up_coverage: f32,
    /// Concepts of the question that count.
    pub concepts: usize,
    /// Share of the question's concept weight in words the FAQ never uses.
    pub unknown_share: f32,
    /// Other candidates that explain the whole question.
    pub rivals: usize,
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// `explained³ × (0.25 + 0.75 × min(1, 2 × margin))`, in [0, 1], where
    /// `explained = max(coverage, shared concepts / 4.5)`.
    pub confidence: f32,
    /// Why, in words, for `explain`.
    pub reason: String,
}

/// Least coverage and phrasing similarity for a question that *echoes* one of the
/// entry's phrasings (`購入の履歴もですか` and `購入履歴も対象ですか`): topical
/// evidence even with a single shared concept, because the phrasing has little
/// the question lacks and the question nothing the phrasing lacks.
const ECHO_COVERAGE: f32 = 0.9;
/// See [`ECHO_COVERAGE`].
const ECHO_SIMILARITY: f32 = 0.7;

/// A lead of less than this share of the best score is a tie: `情報は大丈夫？` fits
/// the entries on cards, accounts and points alike, and kotae offers them rather
/// than picking one by a hair.
const TIE_MARGIN: f32 = 0.03;

/// Shared concepts that make an entry topical though it lacks the question's main
/// predicate (a verb the FAQ uses elsewhere): `クレジットカード払いはできますか`
/// shares two nouns with the entry on cards and asks something else.
const SHARED_WITHOUT_PREDICATE: f32 = 3.0;

/// One concept and one found only in the entry's answer (`出資金のバックアップは`,
/// `復旧の見通しを教えて`) are topical evidence when they explain at least
/// [`COVERAGE_WITH_FEWER_SHARED`] of the question, unless the half is only the head
/// of a compound the FAQ never uses (`銀行の引落日`: the debit date is not the account).
const SHARED_WITH_COVERAGE: f32 = 1.5;
/// See [`SHARED_WITH_COVERAGE`].
const COVERAGE_WITH_FEWER_SHARED: f32 = 0.75;

/// Shared concepts that explain a question fully, whatever else it says.
const SHARED_FOR_FULL: f32 = 4.5;

/// How much of the question the entry explains: its coverage, or, for a long
/// question, the number of concepts it shares. A worried paragraph (`昨日はがきが
/// 届いて驚いています…口座からお金を引き出されませんか`) carries many words no entry
/// has; 4.5 shared concepts (a half is a word found only in the answer) still
/// say which entry it is about. Out-of-scope paragraphs share one or two.
fn explained_share(best: &Evidence) -> f32 {
    best.coverage.max((best.shared / SHARED_FOR_FULL).min(1.0))
}

/// Whether the best candidate's topicality depends on its phrasing similarity: it
/// is covered well enough to be an echo, and not topical by shared concepts or
/// completeness alone. The matcher computes similarity only when this holds.
pub fn needs_similarity(thresholds: &Thresholds, best: &Evidence) -> bool {
    let topical_anyway = best.shared >= thresholds.answer_min_concepts as f32 || best.complete;
    !topical_anyway && best.coverage >= ECHO_COVERAGE
}

/// The best score's lead over the runner-up's, as a share of the best, in [0, 1].
pub fn margin(best: f32, runner_up: f32) -> f32 {
    if best > 0.0 {
        ((best - runner_up) / best).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Coverage at which an entry explains the whole question.
pub const WHOLE: f32 = 0.99;

/// Other entries explaining the whole question that make a generic question
/// (`私の情報は無事なのでしょうか`: 情報 and 無事 are in four entries) a choice for the
/// member, unless the best one's closest phrasing is close to the question
/// ([`RIVALS_SIMILARITY`]) or it leads by [`RIVALS_MARGIN`].
pub const RIVALS: usize = 2;
/// See [`RIVALS`].
const RIVALS_SIMILARITY: f32 = 0.7;
/// See [`RIVALS`].
const RIVALS_MARGIN: f32 = 0.1;

/// Decides from the best candidate's evidence, the runner-up's score and the number
/// of other candidates that explain the whole question.
pub fn decide(
    thresholds: &Thresholds,
    best: Option<&Evidence>,
    runner_up: f32,
    rivals: usize,
) -> Verdict {
    let Some(best) = best else {
        return Verdict {
            decision: Decision::Fallback,
            confidence: 0.0,
            reason: "no FAQ entry shares a word with the question".into(),
        };
    };
    let margin = margin(best.score, runner_up);
    let explained = explained_share(best);
    // `+ 0.0` turns a negative zero into zero.
    let confidence =
        (explained.powi(3) * (0.25 + 0.75 * (2.0 * margin).min(1.0))).clamp(0.0, 1.0) + 0.0;
    let facts = format!(
        "coverage {:.2}, margin {:.2}, {:.1} shared concepts{}, confidence {:.2}",
        best.coverage,
        margin,
        best.shared,
        if best.complete { " (all of them)" } else { "" },
        confidence
    );
    // Without the question's predicate, its nouns alone must say which entry it is.
    let predicate_ok = !best.predicate_missing || best.shared >= SHARED_WITHOUT_PREDICATE;
    let topical = predicate_ok
        && (best.shared >= thresholds.answer_min_concepts as f32
            || (best.shared >= SHARED_WITH_COVERAGE
                && best.coverage >= COVERAGE_WITH_FEWER_SHARED
                && !best.via_head)
            || best.complete
            || (needs_similarity(thresholds, best) && best.similarity >= ECHO_SIMILARITY));
    let (decision, why) = if best.coverage < thresholds.clarify_coverage || best.shared == 0.0 {
        (
            Decision::Fallback,
            format!(
                "coverage below clarify_coverage {:.2}",
                thresholds.clarify_coverage
            ),
        )
    } else if best.off_intent {
        (
            Decision::Clarify,
            "the question asks for a procedure or reports a problem; the entry does not describe it"
                .to_string(),
        )
    } else if !topical {
        (
            Decision::Clarify,
            format!(
                "fewer than {} shared concepts and not all of the question",
                thresholds.answer_min_concepts
            ),
        )
    } else if margin < TIE_MARGIN {
        (
            Decision::Clarify,
            format!("the runner-up is within {TIE_MARGIN:.2} of the best: a tie"),
        )
    } else if best.coverage >= WHOLE
        && rivals >= RIVALS
        && margin < RIVALS_MARGIN
        && best.similarity < RIVALS_SIMILARITY
    {
        (
            Decision::Clarify,
            format!(
                "{rivals} other entries explain the whole question, and the best one's phrasings say more"
            ),
        )
    } else if confidence < thresholds.answer_confidence {
        (
            Decision::Clarify,
            format!(
                "confidence below answer_confidence {:.2}",
                thresholds.answer_confidence
            ),
        )
    } else {
        (Decision::Answer, "clear best match".to_string())
    };
    Verdict {
        decision,
        confidence,
        reason: format!("{facts}; {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(score: f32, coverage: f32, shared: f32, complete: bool) -> Evidence {
        Evidence {
            score,
            coverage,
            similarity: coverage,
            centrality: coverage,
            shared,
            complete,
            off_intent: false,
            predicate_missing: false,
            via_head: false,
        }
    }

    #[test]
    fn one_concept_and_a_half_suffice_when_they_explain_most_of_the_question() {
        let one_and_a_half = |coverage, via_head| Evidence {
            via_head,
            ..evidence(20.0, coverage, 1.5, false)
        };
        assert_eq!(decision(one_and_a_half(0.8, false), 2.0), Decision::Answer);
        assert_eq!(decision(one_and_a_half(0.7, false), 2.0), Decision::Clarify);
        assert_eq!(decision(one_and_a_half(0.8, true), 2.0), Decision::Clarify);
    }

    #[test]
    fn an_entry_without_the_questions_predicate_needs_three_shared_concepts() {
        let lacking = |shared| Evidence {
            predicate_missing: true,
            ..evidence(20.0, 0.8, shared, true)
        };
        assert_eq!(decision(lacking(2.0), 2.0), Decision::Clarify);
        assert_eq!(decision(lacking(3.0), 2.0), Decision::Answer);
    }

    #[test]
    fn a_procedure_question_is_not_answered_by_a_status_entry() {
        let best = Evidence {
            off_intent: true,
            ..evidence(20.0, 1.0, 2.0, true)
        };
        assert_eq!(decision(best, 2.0), Decision::Clarify);
    }

    fn decision(best: Evidence, runner_up: f32) -> Decision {
        decide(&Thresholds::default(), Some(&best), runner_up, 0).decision
    }

    #[test]
    fn a_generic_question_several_entries_explain_is_offered() {
        // 情報 and 無事 are in four entries: the one whose phrasing says more
        // (`出資金は無事ですか`) is not picked by a small lead.
        let generic = Evidence {
            similarity: 0.6,
            ..evidence(20.0, 1.0, 2.0, true)
        };
        let rivals = |n| decide(&Thresholds::default(), Some(&generic), 19.0, n).decision;
        assert_eq!(rivals(1), Decision::Answer);
        assert_eq!(rivals(2), Decision::Clarify);
        // A phrasing close to the question, or a clear lead, still answers.
        let close = Evidence {
            similarity: 0.8,
            ..generic
        };
        assert_eq!(
            decide(&Thresholds::default(), Some(&close), 19.0, 2).decision,
            Decision::Answer
        );
        assert_eq!(
            decide(&Thresholds::default(), Some(&generic), 17.0, 2).decision,
            Decision::Answer
        );
    }

    #[test]
    fn no_candidate_falls_back() {
        let verdict = decide(&Thresholds::default(), None, 0.0, 0);
        assert_eq!(verdict.decision, Decision::Fallback);
        assert_eq!(verdict.confidence, 0.0);
    }

    #[test]
    fn full_coverage_and_a_clear_margin_answers() {
        assert_eq!(
            decision(evidence(20.0, 1.0, 2.0, true), 8.0),
            Decision::Answer
        );
    }

    #[test]
    fn one_rare_shared_word_among_others_never_answers() {
        // However high its score and margin: one concept of several.
        assert_eq!(
            decision(evidence(30.0, 0.6, 1.0, false), 1.0),
            Decision::Clarify
        );
    }

    #[test]
    fn a_one_concept_question_fully_covered_may_answer() {
        assert_eq!(
            decision(evidence(10.0, 1.0, 1.0, true), 2.0),
            Decision::Answer
        );
    }

    #[test]
    fn neighbours_with_close_scores_are_offered_not_picked() {
        assert_eq!(
            decision(evidence(10.0, 0.8, 2.0, false), 9.5),
            Decision::Clarify
        );
    }

    #[test]
    fn a_tie_is_never_answered_however_complete() {
        assert_eq!(
            decision(evidence(10.0, 1.0, 3.0, true), 10.0),
            Decision::Clarify
        );
    }

    #[test]
    fn a_lead_by_a_hair_is_a_tie() {
        assert_eq!(
            decision(evidence(10.0, 1.0, 3.0, true), 9.8),
            Decision::Clarify
        );
        assert_eq!(
            decision(evidence(10.0, 1.0, 3.0, true), 8.0),
            Decision::Answer
        );
    }

    #[test]
    fn an_echo_of_one_phrasing_is_topical_with_one_concept() {
        let echo = Evidence {
            similarity: 0.8,
            ..evidence(10.0, 1.0, 1.0, false)
        };
        assert!(needs_similarity(&Thresholds::default(), &echo));
        assert_eq!(decision(echo, 2.0), Decision::Answer);
        let loose = Evidence {
            similarity: 0.5,
            ..echo
        };
        assert_eq!(decision(loose, 2.0), Decision::Clarify);
        // Topical by shared concepts: similarity is not needed (nor computed).
        assert!(!needs_similarity(
            &Thresholds::default(),
            &evidence(10.0, 1.0, 2.0, false)
        ));
    }

    #[test]
    fn a_long_question_sharing_many_concepts_is_answered() {
        // Half of a rambling question's weight is context, but five concepts match.
        assert_eq!(
            decision(evidence(20.0, 0.5, 5.0, false), 8.0),
            Decision::Answer
        );
        // The same coverage with two shared concepts is not enough.
        assert_eq!(
            decision(evidence(20.0, 0.5, 2.0, false), 8.0),
            Decision::Clarify
        );
    }

    #[test]
    fn low_coverage_falls_back() {
        assert_eq!(
            decision(evidence(10.0, 0.1, 1.0, false), 0.0),
            Decision::Fallback
        );
        assert_eq!(
            decision(evidence(10.0, 0.0, 0.0, false), 0.0),
            Decision::Fallback
        );
    }

    #[test]
    fn confidence_is_bounded_and_never_negative_zero() {
        let verdict = decide(
            &Thresholds::default(),
            Some(&evidence(0.0, 0.0, 0.0, false)),
            0.0,
            0,
        );
        assert!(verdict.confidence.is_sign_positive());
        let verdict = decide(
            &Thresholds::default(),
            Some(&evidence(5.0, 1.0, 3.0, true)),
            0.0,
            0,
        );
        assert!((verdict.confidence - 1.0).abs() < 1e-6);
    }
}
