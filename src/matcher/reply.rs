//! The reply stage: the verdict and the evidence become what the member, the
//! console and `explain` see.

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use super::concepts::Concept;
use super::evidence::{Assessed, QuestionFacts, Scored, SemanticSignals, semantic_only_signals};
use super::retrieval::{Clause, Gathered, RETRIEVE, Retrieved};
use super::rules::{Decision, Evidence, Verdict};
use super::{Matcher, Question, Signals};
use crate::analysis::Analysis;
use crate::config::Thresholds;
use crate::error::Result;
use crate::faq::Entry;

/// A ranked FAQ entry for a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Entry id.
    pub id: String,
    /// The entry's official question.
    pub question: String,
    /// Aggregated retrieval score (comparable within one question only).
    pub score: f32,
    /// Share of the question's concepts this entry covers, in [0, 1].
    pub coverage: f32,
    /// The entry's score in the semantic model's order (its closeness to the
    /// question plus the words' lead), when the model ordered the candidates (no
    /// answer, a model installed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic: Option<f32>,
}

/// An entry to offer, in the semantic model's order.
#[derive(Debug, Clone, Copy)]
pub(super) struct Choice {
    /// Position of the entry in the FAQ.
    pub entry: usize,
    /// Semantic closeness plus the words' lead.
    pub score: f32,
}

/// Where the fallback points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fallback {
    /// What to tell the member.
    pub message: String,
    /// Hotline phone number.
    pub phone: String,
    /// Hotline hours.
    pub hours: String,
}

/// kotae's reply to a question.
#[derive(Debug, Clone, Serialize)]
pub struct Reply {
    /// What kotae decided.
    pub decision: Decision,
    /// How likely the first candidate (the answer, when answered) is the right
    /// entry, in [0, 1]: the calibrated confidence (`calibration.rs`).
    pub confidence: f32,
    /// The answered entry (decision `answer`).
    pub answer: Option<Entry>,
    /// Ranked candidates (empty for small talk).
    pub candidates: Vec<Candidate>,
    /// The hotline (decision `fallback`).
    pub fallback: Option<Fallback>,
    /// The service's own words: the clarify prompt or the small-talk reply.
    pub message: Option<String>,
    /// Why the decision was taken, in words (for logs, `eval` and editors).
    pub reason: String,
    /// The generic evidence about the best candidate (none for small talk or when
    /// nothing matched).
    pub signals: Option<Signals>,
    /// Why, when asked for.
    pub explain: Option<Explain>,
}

/// The detail behind a reply, for editors (`kotae explain`, `"explain": true`).
#[derive(Debug, Clone, Serialize)]
pub struct Explain {
    /// Normalized text and every field's terms.
    pub analysis: Analysis,
    /// Concepts with their synonym expansions and weights.
    pub concepts: Vec<Concept>,
    /// Per candidate: the evidence.
    pub candidates: Vec<CandidateExplain>,
    /// The thresholds in force.
    pub thresholds: Thresholds,
    /// The rule that decided (`None` when no rule spoke and kotae answered).
    pub rule: Option<&'static str>,
    /// Why the decision was taken, in words.
    pub reason: String,
}

/// Evidence for one candidate.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateExplain {
    /// Entry id.
    pub id: String,
    /// The phrasing that matched best.
    pub best_phrasing: Option<String>,
    /// Best phrasing document score.
    pub phrasing_score: f32,
    /// Answer document score.
    pub answer_score: f32,
    /// Coverage, similarity, the fused score and the other facts decided on.
    pub evidence: Evidence,
    /// Concepts of the question this entry contains.
    pub matched: Vec<String>,
    /// tantivy's score of each query clause on the best phrasing or the answer.
    pub clauses: Vec<ClauseScore>,
}

/// One query clause's contribution to a candidate's score.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseScore {
    /// Index field.
    pub field: &'static str,
    /// The query text (concept, reading or bigram).
    pub text: String,
    /// BM25 score (boost included).
    pub score: f32,
}

/// What the stages before the reply found for one question.
pub(super) struct Findings {
    pub analysis: Analysis,
    pub concepts: Vec<Concept>,
    pub clauses: Vec<Clause>,
    pub ranked: Vec<Retrieved>,
    pub facts: QuestionFacts,
    pub assessed: Assessed,
    /// The semantic model's order of the entries to offer, when it gave one.
    pub choices: Option<Vec<Choice>>,
    /// What the semantic model said, when it was asked.
    pub semantic: Option<SemanticSignals>,
}

impl Matcher {
    /// Builds the reply from the verdict and what the earlier stages found.
    pub(super) fn reply(
        &self,
        question: &Question,
        findings: Findings,
        verdict: Verdict,
    ) -> Result<Reply> {
        let (candidates, explained) = self.candidates(question, &findings)?;
        let decision = verdict.decision;
        let answer = match decision {
            Decision::Answer => candidates
                .first()
                .map(|c| self.entry(&c.id).cloned())
                .transpose()?,
            _ => None,
        };
        let clarify_coverage = self.thresholds.clarify_coverage;
        let semantic = findings.choices.is_some();
        let mut candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| semantic || decision != Decision::Clarify || c.coverage >= clarify_coverage)
            .collect();
        candidates.truncate(question.top_k);
        let signals = match (
            findings.assessed.signals(&findings.facts),
            findings.semantic,
        ) {
            (Some(words), semantic) => Some(Signals { semantic, ..words }),
            (None, Some(semantic)) => Some(semantic_only_signals(&findings.facts, semantic)),
            (None, None) => None,
        };
        let confidence = signals.map_or(0.0, |s| {
            self.calibration
                .confidence(&s, decision == Decision::Answer)
        });
        Ok(Reply {
            decision,
            confidence,
            answer,
            candidates,
            fallback: (decision == Decision::Fallback).then(|| self.fallback()),
            message: (decision == Decision::Clarify)
                .then(|| self.faq.responses.clarify_message.clone()),
            signals,
            explain: question.explain.then(|| Explain {
                analysis: findings.analysis,
                concepts: findings.concepts,
                candidates: explained,
                thresholds: self.thresholds,
                rule: verdict.rule,
                reason: verdict.reason.clone(),
            }),
            reason: verdict.reason,
        })
    }

    /// The first `top_k` candidates, and their evidence when `explain` is asked.
    fn candidates(
        &self,
        question: &Question,
        findings: &Findings,
    ) -> Result<(Vec<Candidate>, Vec<CandidateExplain>)> {
        let mut candidates = Vec::new();
        let mut explained = Vec::new();
        for scored in findings.assessed.scored.iter().take(question.top_k) {
            let found = &findings.ranked[scored.position];
            let entry = self.entry(&found.id)?;
            candidates.push(Candidate {
                id: found.id.clone(),
                question: entry.question.clone(),
                score: scored.evidence.score,
                coverage: scored.evidence.coverage,
                semantic: None,
            });
            if question.explain {
                explained.push(self.explain_candidate(found, scored, findings)?);
            }
        }
        if let Some(choices) = &findings.choices {
            candidates = self.semantic_candidates(choices, findings);
        }
        Ok((candidates, explained))
    }

    /// The choices in the semantic model's order, with the words' evidence of
    /// those the words also found.
    fn semantic_candidates(&self, choices: &[Choice], findings: &Findings) -> Vec<Candidate> {
        choices
            .iter()
            .filter_map(|choice| {
                let entry = self.faq.entries.get(choice.entry)?;
                let words = findings
                    .assessed
                    .scored
                    .iter()
                    .find(|s| findings.ranked[s.position].id == entry.id)
                    .map(|s| s.evidence);
                Some(Candidate {
                    id: entry.id.clone(),
                    question: entry.question.clone(),
                    score: words.map_or(0.0, |e| e.score),
                    coverage: words.map_or(0.0, |e| e.coverage),
                    semantic: Some(choice.score),
                })
            })
            .collect()
    }

    /// The reply to a greeting or thanks.
    pub(super) fn smalltalk_reply(
        &self,
        question: &Question,
        analysis: &Analysis,
        reply: String,
    ) -> Reply {
        let reason = "every word of the message is a greeting or thanks";
        Reply {
            decision: Decision::Smalltalk,
            confidence: 1.0,
            answer: None,
            candidates: Vec::new(),
            fallback: None,
            message: Some(reply),
            reason: reason.into(),
            signals: None,
            explain: question.explain.then(|| Explain {
                analysis: analysis.clone(),
                concepts: Vec::new(),
                candidates: Vec::new(),
                thresholds: self.thresholds,
                rule: None,
                reason: reason.into(),
            }),
        }
    }

    /// One candidate's evidence for `explain`.
    fn explain_candidate(
        &self,
        found: &Retrieved,
        scored: &Scored,
        findings: &Findings,
    ) -> Result<CandidateExplain> {
        let gathered = &found.gathered;
        let best_phrasing = match gathered.phrasing_doc {
            Some(address) => {
                let doc: TantivyDocument = self.searcher.doc(address)?;
                doc.get_first(self.index.fields.phrasing_text)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            }
            None => None,
        };
        Ok(CandidateExplain {
            id: found.id.clone(),
            best_phrasing,
            phrasing_score: gathered.phrasing,
            answer_score: gathered.answer,
            evidence: scored.evidence,
            matched: scored
                .credits
                .iter()
                .map(|(i, _)| findings.concepts[*i].text.clone())
                .collect(),
            clauses: self.clause_scores(gathered, &findings.clauses)?,
        })
    }

    /// Each clause is searched on its own and the candidate's documents looked up
    /// in its results: per-field evidence without a second scorer.
    fn clause_scores(&self, gathered: &Gathered, clauses: &[Clause]) -> Result<Vec<ClauseScore>> {
        let mut scores = Vec::new();
        for clause in clauses {
            let top = self.searcher.search(
                clause.query.as_ref(),
                &tantivy::collector::TopDocs::with_limit(RETRIEVE).order_by_score(),
            )?;
            let phrasing = gathered
                .phrasing_doc
                .and_then(|best| top.iter().find(|(_, a)| *a == best).map(|(s, _)| *s));
            let answer = match gathered.answer_doc {
                Some(doc) => top.iter().find(|(_, a)| *a == doc).map(|(s, _)| *s),
                None => None,
            };
            if let Some(score) = phrasing.or(answer) {
                scores.push(ClauseScore {
                    field: clause.field,
                    text: clause.text.clone(),
                    score,
                });
            }
        }
        Ok(scores)
    }
}
