//! The decision as an ordered list of small named rules.
//!
//! The evidence stage gives the best candidate's [`Evidence`]; [`Case`] adds what
//! every rule may read (its margin over the runner-up, the words' strength, how many
//! other entries explain the whole question). The rules of [`DEFAULT_RULES`] are
//! asked in order, and the first that speaks decides; when none speaks, kotae
//! answers with the best entry. Each rule is one file: its id, one example
//! question, the evidence it reads, its constants and a table test. A rule that
//! reads the best candidate's phrasing similarity says so
//! ([`Rule::needs_similarity`]), and the matcher computes it only then.

use serde::Serialize;

use crate::config::Thresholds;
use crate::error::{Error, Result};

pub use super::evidence::Evidence;

/// What kotae does with a question.
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

/// What a rule judges: the best candidate and the facts about it that only make
/// sense beside the other candidates.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    /// The thresholds in force.
    pub thresholds: &'a Thresholds,
    /// The best candidate's evidence.
    pub best: Evidence,
    /// Its lead over the runner-up's score, as a share of its score, in [0, 1].
    pub margin: f32,
    /// The words' strength, [`strength`]: what `low-confidence` compares with
    /// `answer_confidence`.
    pub strength: f32,
    /// Other candidates that explain the whole question.
    pub rivals: usize,
    /// The semantic model's closeness of the question to the best entry's closest
    /// phrasing, when the model ranks that entry first too (read only after the
    /// words' verdict was not to answer; `None` without a model).
    pub paraphrase: Option<f32>,
    /// The calibrated confidence that the best entry is right, when the semantic
    /// model orders it first too (read only after the words' verdict was not to
    /// answer; `None` without a model or when the model prefers another entry).
    pub model_confidence: Option<f32>,
}

impl<'a> Case<'a> {
    /// The case of `best`, led over `runner_up` (a score), with `rivals`.
    pub fn new(thresholds: &'a Thresholds, best: Evidence, runner_up: f32, rivals: usize) -> Self {
        let margin = margin(best.score, runner_up);
        Case {
            thresholds,
            best,
            margin,
            strength: strength(&best, margin),
            rivals,
            paraphrase: None,
            model_confidence: None,
        }
    }

    /// The same case with the semantic model's closeness of the best entry.
    pub fn with_paraphrase(self, closeness: f32) -> Self {
        Case {
            paraphrase: Some(closeness),
            ..self
        }
    }

    /// The same case with the calibrated confidence of the best entry, which the
    /// semantic model orders first too.
    pub fn with_model_confidence(self, confidence: f32) -> Self {
        Case {
            model_confidence: Some(confidence),
            ..self
        }
    }

    /// The facts every reason starts with.
    fn facts(&self) -> String {
        format!(
            "coverage {:.2}, margin {:.2}, {:.1} shared concepts{}, strength {:.2}",
            self.best.coverage,
            self.margin,
            self.best.shared,
            if self.best.complete {
                " (all of them)"
            } else {
                ""
            },
            self.strength
        )
    }
}

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

/// How strongly the words alone point at the best entry, in [0, 1]:
/// `explained³ × (0.25 + 0.75 × min(1, 2 × margin))`. The rules compare it with
/// `answer_confidence`; the reply's confidence is the calibrated one
/// (`calibration.rs`), which reads it among other signals.
pub fn strength(best: &Evidence, margin: f32) -> f32 {
    // `+ 0.0` turns a negative zero into zero.
    (explained_share(best).powi(3) * (0.25 + 0.75 * (2.0 * margin).min(1.0))).clamp(0.0, 1.0) + 0.0
}

/// The best score's lead over the runner-up's, as a share of the best, in [0, 1].
pub fn margin(best: f32, runner_up: f32) -> f32 {
    if best > 0.0 {
        ((best - runner_up) / best).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One named criterion of the decision.
pub trait Rule: Sync {
    /// The rule's name in `explain`, `eval --without rule:<id>` and the README.
    fn id(&self) -> &'static str;
    /// What kotae does when the rule speaks.
    fn decision(&self) -> Decision;
    /// Why the rule decides this case, or `None` when it has nothing to say.
    fn speaks(&self, case: &Case) -> Option<String>;
    /// Whether the rule reads the best candidate's phrasing similarity for this
    /// case (it costs a comparison with every phrasing of the entry).
    fn needs_similarity(&self, _case: &Case) -> bool {
        false
    }
}

/// Declares each rule's module and lists the rules in order: adding a rule is one
/// file and one line here.
macro_rules! default_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*
        /// The decision rules in the order they are asked.
        pub static DEFAULT_RULES: &[&dyn Rule] = &[$(&$module::$rule),*];
    };
}

default_rules![
    low_coverage::LowCoverage,
    procedure::Procedure,
    problem_report::ProblemReport,
    predicate::Predicate,
    foreign_verb::ForeignVerb,
    unstated_fact::UnstatedFact,
    tie::Tie,
    rivals::Rivals,
    paraphrase::Paraphrase,
    too_few_concepts::TooFewConcepts,
    confident::Confident,
    low_confidence::LowConfidence,
];

pub use rivals::WHOLE;

/// The outcome of [`Rules::decide`].
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// The rule that decided; `None` when no rule spoke and kotae answers.
    pub rule: Option<&'static str>,
    /// Why, in words, for `explain`.
    pub reason: String,
}

/// The rules in force: [`DEFAULT_RULES`] less those switched off for evaluation.
#[derive(Clone)]
pub struct Rules {
    active: Vec<&'static dyn Rule>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            active: DEFAULT_RULES.to_vec(),
        }
    }
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.active.iter().map(|rule| rule.id()))
            .finish()
    }
}

impl Rules {
    /// The default rules without those named in `off`; an unknown name is an error.
    pub fn without<'a>(off: impl IntoIterator<Item = &'a str>) -> Result<Rules> {
        let off: Vec<&str> = off.into_iter().collect();
        if let Some(unknown) = off
            .iter()
            .find(|id| !DEFAULT_RULES.iter().any(|rule| rule.id() == **id))
        {
            return Err(Error::Config(format!(
                "--without rule:{unknown}: unknown rule (rules: {})",
                DEFAULT_RULES
                    .iter()
                    .map(|rule| rule.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(Rules {
            active: DEFAULT_RULES
                .iter()
                .copied()
                .filter(|rule| !off.contains(&rule.id()))
                .collect(),
        })
    }

    /// Whether any rule in force reads the best candidate's similarity in `case`.
    pub fn need_similarity(&self, case: &Case) -> bool {
        self.active.iter().any(|rule| rule.needs_similarity(case))
    }

    /// The first rule that speaks decides; when none does, kotae answers.
    pub fn decide(&self, case: &Case) -> Verdict {
        let (decision, rule, why) = self
            .active
            .iter()
            .find_map(|rule| {
                rule.speaks(case)
                    .map(|why| (rule.decision(), Some(rule.id()), why))
            })
            .unwrap_or((Decision::Answer, None, "clear best match".to_string()));
        Verdict {
            decision,
            rule,
            reason: format!("{}; {why}", case.facts()),
        }
    }

    /// The verdict when no entry shares a word with the question.
    pub fn nothing_matched() -> Verdict {
        Verdict {
            decision: Decision::Fallback,
            rule: None,
            reason: "no FAQ entry shares a word with the question".into(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Evidence for table tests: similarity and centrality equal coverage, no
    /// intent flag set.
    pub(crate) fn evidence(score: f32, coverage: f32, shared: f32, complete: bool) -> Evidence {
        Evidence {
            score,
            coverage,
            similarity: coverage,
            centrality: coverage,
            shared,
            complete,
            ..Evidence::default()
        }
    }

    /// The decision of the default rules for `best` against a runner-up score.
    pub(crate) fn decision(best: Evidence, runner_up: f32) -> Decision {
        let thresholds = Thresholds::default();
        Rules::default()
            .decide(&Case::new(&thresholds, best, runner_up, 0))
            .decision
    }

    #[test]
    fn full_coverage_and_a_clear_margin_answers_and_no_rule_speaks() {
        let thresholds = Thresholds::default();
        let case = Case::new(&thresholds, evidence(20.0, 1.0, 2.0, true), 8.0, 0);
        let verdict = Rules::default().decide(&case);
        assert_eq!(verdict.decision, Decision::Answer);
        assert_eq!(verdict.rule, None);
    }

    #[test]
    fn the_first_rule_that_speaks_decides_and_is_named() {
        let thresholds = Thresholds::default();
        // A tie that is also below answer_confidence: the tie is asked first.
        let case = Case::new(&thresholds, evidence(10.0, 0.5, 2.0, false), 10.0, 0);
        assert_eq!(Rules::default().decide(&case).rule, Some("tie"));
        let without_tie = Rules::without(["tie"]).unwrap_or_default();
        assert_eq!(without_tie.decide(&case).rule, Some("low-confidence"));
    }

    #[test]
    fn an_unknown_rule_cannot_be_switched_off() {
        assert!(Rules::without(["no-such-rule"]).is_err());
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = DEFAULT_RULES.iter().map(|rule| rule.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DEFAULT_RULES.len());
    }

    #[test]
    fn the_readme_lists_the_rules_in_order() {
        let readme = include_str!("../../../README.md");
        let listed: Vec<&str> = readme
            .lines()
            .skip_while(|line| !line.starts_with("| rule | decides |"))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .filter_map(|line| line.split('`').nth(1))
            .collect();
        let ids: Vec<&str> = DEFAULT_RULES.iter().map(|rule| rule.id()).collect();
        assert_eq!(listed, ids);
    }

    #[test]
    fn no_candidate_falls_back() {
        let verdict = Rules::nothing_matched();
        assert_eq!(verdict.decision, Decision::Fallback);
        assert_eq!(verdict.rule, None);
    }

    #[test]
    fn strength_is_bounded_and_never_negative_zero() {
        let thresholds = Thresholds::default();
        let none = Case::new(&thresholds, evidence(0.0, 0.0, 0.0, false), 0.0, 0);
        assert!(none.strength.is_sign_positive());
        let full = Case::new(&thresholds, evidence(5.0, 1.0, 3.0, true), 0.0, 0);
        assert!((full.strength - 1.0).abs() < 1e-6);
    }
}
