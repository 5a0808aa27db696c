//! Labelled questions (JSONL) → a [`Report`] of answer quality.
//!
//! Each line is `{"question": str, "expected": [ids]}`; `[]` marks a question the
//! FAQ cannot answer, where the right behaviour is not to answer. The metrics are
//! defined on [`Report`]; small talk counts as "not answered".

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::matcher::{Decision, Matcher, Question, Reply};

/// One labelled question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    /// The question as a member wrote it.
    pub question: String,
    /// FAQ ids that answer it; empty when out of scope.
    pub expected: Vec<String>,
}

/// The outcome for one labelled question.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The question.
    pub question: String,
    /// Expected ids.
    pub expected: Vec<String>,
    /// kotae's decision.
    pub decision: Decision,
    /// The answered id, if any.
    pub answered: Option<String>,
    /// Ranked candidate ids.
    pub ranked: Vec<String>,
    /// Confidence.
    pub confidence: f32,
    /// Why the decision was taken.
    pub reason: String,
    /// The generic evidence about the best candidate.
    pub signals: Option<crate::matcher::Signals>,
    /// The calibrated confidence's features (for `scripts/fit-calibration.py`).
    pub features: Option<std::collections::BTreeMap<&'static str, f32>>,
}

impl Outcome {
    /// True when in scope and the best candidate is expected.
    pub fn top1(&self) -> bool {
        self.ranked
            .first()
            .is_some_and(|id| self.expected.contains(id))
    }

    /// True when kotae answered with an id not expected (out of scope included).
    pub fn wrong_answer(&self) -> bool {
        self.answered
            .as_ref()
            .is_some_and(|id| !self.expected.contains(id))
    }
}

/// Answer-quality metrics over a labelled set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Questions.
    pub n: usize,
    /// Questions with at least one expected id.
    pub n_in_scope: usize,
    /// In-scope questions whose best candidate is expected, over `n_in_scope`.
    pub top1: f64,
    /// In-scope questions with an expected id among the first three candidates.
    pub recall_at_3: f64,
    /// Mean reciprocal rank of the first expected id, over `n_in_scope`.
    pub mrr: f64,
    /// Decision `answer` with an expected id, over `n_in_scope`.
    pub answered_correct: f64,
    /// Decision `answer` with an id not expected (out of scope included), over `n`.
    pub wrong_answer_rate: f64,
    /// Out-of-scope questions not answered, over their number.
    pub oos_rejection: f64,
    /// Expected calibration error of the confidence: the replies (small talk
    /// aside) in ten bins of confidence, each bin's |mean confidence − share
    /// whose first candidate is expected|, weighted by its size. 0 is perfect.
    #[serde(default)]
    pub calibration_error: f64,
}

/// Reads a JSONL file of labelled questions; a bad line is an error with its number.
pub fn read(path: &Path) -> Result<Vec<Labelled>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut labelled = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: Labelled = serde_json::from_str(line).map_err(|e| Error::EvalFile {
            path: path.to_path_buf(),
            line: number + 1,
            message: e.to_string(),
        })?;
        labelled.push(item);
    }
    Ok(labelled)
}

/// Asks every question and returns the outcomes (in order).
pub fn run(matcher: &Matcher, labelled: &[Labelled], top_k: usize) -> Result<Vec<Outcome>> {
    let limits = crate::config::Limits::default();
    labelled
        .iter()
        .map(|item| {
            let question = Question::new(&item.question, top_k, false, &limits)?.with_all_signals();
            let reply = matcher.ask(&question)?;
            Ok(outcome(item, &reply))
        })
        .collect()
}

fn outcome(item: &Labelled, reply: &Reply) -> Outcome {
    Outcome {
        question: item.question.clone(),
        expected: item.expected.clone(),
        decision: reply.decision,
        answered: reply.answer.as_ref().map(|e| e.id.clone()),
        ranked: reply.candidates.iter().map(|c| c.id.clone()).collect(),
        confidence: reply.confidence,
        reason: reply.reason.clone(),
        signals: reply.signals,
        features: reply
            .signals
            .map(|s| crate::matcher::calibration_features(&s, reply.decision == Decision::Answer)),
    }
}

/// Computes the metrics of a set of outcomes.
pub fn report(outcomes: &[Outcome]) -> Report {
    let n = outcomes.len();
    let in_scope: Vec<&Outcome> = outcomes.iter().filter(|o| !o.expected.is_empty()).collect();
    let oos: Vec<&Outcome> = outcomes.iter().filter(|o| o.expected.is_empty()).collect();
    let ratio = |count: usize, total: usize| {
        if total == 0 {
            0.0
        } else {
            count as f64 / total as f64
        }
    };
    let rank = |o: &Outcome| o.ranked.iter().position(|id| o.expected.contains(id));
    let mrr_sum: f64 = in_scope
        .iter()
        .filter_map(|o| rank(o))
        .map(|r| 1.0 / (r as f64 + 1.0))
        .sum();
    Report {
        n,
        n_in_scope: in_scope.len(),
        top1: ratio(in_scope.iter().filter(|o| o.top1()).count(), in_scope.len()),
        recall_at_3: ratio(
            in_scope
                .iter()
                .filter(|o| rank(o).is_some_and(|r| r < 3))
                .count(),
            in_scope.len(),
        ),
        mrr: if in_scope.is_empty() {
            0.0
        } else {
            mrr_sum / in_scope.len() as f64
        },
        answered_correct: ratio(
            in_scope
                .iter()
                .filter(|o| o.decision == Decision::Answer && !o.wrong_answer())
                .count(),
            in_scope.len(),
        ),
        wrong_answer_rate: ratio(outcomes.iter().filter(|o| o.wrong_answer()).count(), n),
        oos_rejection: ratio(
            oos.iter()
                .filter(|o| o.decision != Decision::Answer)
                .count(),
            oos.len(),
        ),
        calibration_error: calibration_error(outcomes),
    }
}

/// Bins of the confidence for [`Report::calibration_error`].
const CALIBRATION_BINS: usize = 10;

fn calibration_error(outcomes: &[Outcome]) -> f64 {
    let mut bins = [(0.0f64, 0.0f64, 0usize); CALIBRATION_BINS];
    for o in outcomes
        .iter()
        .filter(|o| o.decision != Decision::Smalltalk)
    {
        let p = f64::from(o.confidence).clamp(0.0, 1.0);
        let bin = ((p * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
        bins[bin].0 += p;
        bins[bin].1 += if o.top1() { 1.0 } else { 0.0 };
        bins[bin].2 += 1;
    }
    let total: usize = bins.iter().map(|b| b.2).sum();
    if total == 0 {
        return 0.0;
    }
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|(p, right, _)| (p - right).abs() / total as f64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(expected: &[&str], decision: Decision, ranked: &[&str]) -> Outcome {
        Outcome {
            question: "q".into(),
            expected: expected.iter().map(|s| s.to_string()).collect(),
            decision,
            answered: (decision == Decision::Answer).then(|| ranked[0].to_string()),
            ranked: ranked.iter().map(|s| s.to_string()).collect(),
            confidence: 0.5,
            reason: String::new(),
            signals: None,
            features: None,
        }
    }

    #[test]
    fn metrics_follow_their_definitions() {
        let outcomes = [
            outcome(&["a"], Decision::Answer, &["a", "b"]),
            outcome(&["a"], Decision::Clarify, &["b", "a"]),
            outcome(&["c"], Decision::Answer, &["b", "c"]),
            outcome(&[], Decision::Fallback, &["a"]),
            outcome(&[], Decision::Answer, &["a"]),
            outcome(&[], Decision::Smalltalk, &[]),
        ];
        let r = report(&outcomes);
        assert_eq!((r.n, r.n_in_scope), (6, 3));
        assert!((r.top1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.recall_at_3 - 1.0).abs() < 1e-9);
        assert!((r.mrr - (1.0 + 0.5 + 0.5) / 3.0).abs() < 1e-9);
        assert!((r.answered_correct - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.wrong_answer_rate - 2.0 / 6.0).abs() < 1e-9);
        assert!((r.oos_rejection - 2.0 / 3.0).abs() < 1e-9);
        // Five replies at 0.5 (small talk aside), one first candidate right.
        assert!((r.calibration_error - (0.5 - 1.0 / 5.0)).abs() < 1e-6);
    }

    #[test]
    fn a_confidence_that_matches_the_share_right_has_no_calibration_error() {
        let at = |confidence: f32, right: bool| Outcome {
            confidence,
            ..outcome(
                &["a"],
                Decision::Clarify,
                if right { &["a"] } else { &["b"] },
            )
        };
        let calibrated = [
            at(0.75, true),
            at(0.75, true),
            at(0.75, true),
            at(0.75, false),
            at(0.05, false),
        ];
        assert!(report(&calibrated).calibration_error < 0.02);
        let overconfident = [at(0.95, true), at(0.95, false), at(0.95, false)];
        assert!((report(&overconfident).calibration_error - (0.95 - 1.0 / 3.0)).abs() < 1e-6);
    }

    #[test]
    fn a_malformed_line_names_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.jsonl");
        std::fs::write(
            &path,
            "{\"question\":\"a\",\"expected\":[]}\n\n{\"question\":1}\n",
        )
        .unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("e.jsonl:3"), "{err}");
    }
}
