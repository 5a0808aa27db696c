//! The semantic stage: when the words' verdict is not to answer, the semantic
//! model's closeness of every entry to the question. It is read twice: by the
//! rules, asked again (`paraphrase`: does the question restate one of the best
//! entry's phrasings, and does the model put that entry first too? `confident`:
//! does the model put the words' best entry first, and how sure is the calibrated
//! confidence then?), and to order the choices offered instead of an answer.

use super::concepts::Concept;
use super::evidence::{Assessed, QuestionFacts, SemanticSignals, Signals};
use super::reply::Choice;
use super::retrieval::Retrieved;
use super::rules::{Case, Decision, Verdict};
use super::{Matcher, Question};
use crate::semantic::Closeness;

/// What the semantic stage gives the reply.
pub(super) struct SemanticStage {
    /// The words' verdict, or the rules' verdict with the model's closeness.
    pub verdict: Verdict,
    /// The entries to offer in the model's order (none when kotae answers).
    pub choices: Option<Vec<Choice>>,
    /// What the model said, for the calibrated confidence.
    pub signals: Option<SemanticSignals>,
}

/// The words' best entries that get a lead (`semantic_lead`) in the order of the
/// choices.
const LEXICAL_LEAD_RANKS: usize = 3;

impl Matcher {
    /// After the words' verdict: when it is not to answer, the rules asked again
    /// with the model's closeness, and the choices in the model's order. Returns
    /// the verdict unchanged and no choices without a model.
    pub(super) fn semantic_stage(
        &self,
        asked: &ModelQuestion,
        case: Option<Case>,
        verdict: Verdict,
        ranked: &[Retrieved],
        assessed: &Assessed,
        facts: &QuestionFacts,
    ) -> SemanticStage {
        let Some(closeness) = self.closeness(asked, &verdict) else {
            return SemanticStage {
                verdict,
                choices: None,
                signals: None,
            };
        };
        let lexical: Vec<&str> = assessed
            .scored
            .iter()
            .map(|s| ranked[s.position].id.as_str())
            .collect();
        let words_coverage = assessed.scored.first().map_or(0.0, |s| s.evidence.coverage);
        let choices = self.choices(&closeness, &lexical, words_coverage, asked.question.top_k);
        let signals = self.semantic_signals(&closeness, &choices, &lexical);
        let paraphrase = self.paraphrase(&closeness, &lexical);
        let confidence = self.model_confidence(assessed, facts, signals);
        let verdict = match case {
            Some(case) if paraphrase.is_some() || confidence.is_some() => {
                let case = paraphrase.map_or(case, |p| case.with_paraphrase(p));
                let case = confidence.map_or(case, |c| case.with_model_confidence(c));
                self.rules.decide(&case)
            }
            _ => verdict,
        };
        SemanticStage {
            choices: (verdict.decision != Decision::Answer).then_some(choices),
            verdict,
            signals,
        }
    }

    /// The calibrated confidence that the words' best entry is right, as a reply
    /// that does not answer reports it, when the model's first choice is that
    /// entry too.
    fn model_confidence(
        &self,
        assessed: &Assessed,
        facts: &QuestionFacts,
        semantic: Option<SemanticSignals>,
    ) -> Option<f32> {
        let semantic = semantic.filter(|s| s.agrees)?;
        let words = assessed.signals(facts)?;
        let signals = Signals {
            semantic: Some(semantic),
            ..words
        };
        Some(self.calibration.confidence(&signals, false))
    }

    /// The model's closeness of the first choice, its lead over every other
    /// entry's (the words' lead left out), and whether the words put the same entry
    /// first.
    fn semantic_signals(
        &self,
        closeness: &[Closeness],
        choices: &[Choice],
        lexical: &[&str],
    ) -> Option<SemanticSignals> {
        let first = choices.first()?.entry;
        let own = closeness.get(first)?.score;
        let next = closeness
            .iter()
            .enumerate()
            .filter(|(entry, _)| *entry != first)
            .map(|(_, c)| c.score)
            .fold(f32::NEG_INFINITY, f32::max);
        let words_best = lexical.first().and_then(|id| self.position(id));
        Some(SemanticSignals {
            first: own,
            lead: if next.is_finite() { own - next } else { 0.0 },
            agrees: words_best == Some(first),
        })
    }

    /// Every entry's closeness to the question, when a model is installed and the
    /// words' verdict is not to answer (`None` otherwise, or when the model
    /// fails: the words' order is then used and a warning logged).
    fn closeness(&self, asked: &ModelQuestion, verdict: &Verdict) -> Option<Vec<Closeness>> {
        let vectors = self.semantic.as_ref()?;
        if verdict.decision == Decision::Answer {
            return None;
        }
        vectors
            .closeness(&model_text(&asked.question.text, asked.concepts))
            .map_err(|err| tracing::warn!(error = %err, "semantic model failed; choices ordered by words"))
            .ok()
    }

    /// The closeness of the words' best entry's closest phrasing, when the model
    /// also ranks that entry first by its closest phrasing.
    fn paraphrase(&self, closeness: &[Closeness], lexical: &[&str]) -> Option<f32> {
        let best = self.position(lexical.first()?)?;
        let first = closeness
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.closest_phrasing.total_cmp(&b.1.closest_phrasing))?;
        (first.0 == best).then_some(first.1.closest_phrasing)
    }

    /// The first `top_k` entries in the model's order, the words' best few given
    /// a small lead: `semantic_lead` times the share of the question the words'
    /// best entry explains (its coverage), so that the words' order counts as much
    /// as the words explain.
    fn choices(
        &self,
        closeness: &[Closeness],
        lexical: &[&str],
        words_coverage: f32,
        top_k: usize,
    ) -> Vec<Choice> {
        let mut scores: Vec<f32> = closeness.iter().map(|c| c.score).collect();
        for (rank, id) in lexical.iter().take(LEXICAL_LEAD_RANKS).enumerate() {
            if let Some(position) = self.position(id) {
                scores[position] += words_lead(self.thresholds.semantic_lead, words_coverage, rank);
            }
        }
        let mut choices: Vec<Choice> = scores
            .into_iter()
            .enumerate()
            .map(|(entry, score)| Choice { entry, score })
            .collect();
        choices.sort_by(|a, b| b.score.total_cmp(&a.score));
        choices.truncate(top_k);
        choices
    }

    /// An entry's position in the FAQ.
    fn position(&self, id: &str) -> Option<usize> {
        self.faq.entries.iter().position(|e| e.id == id)
    }
}

/// The lead of the words' entry at `rank` (0 for their best) in the semantic
/// order: `semantic_lead` times the share of the question the words explain,
/// divided by the rank's position.
fn words_lead(semantic_lead: f32, words_coverage: f32, rank: usize) -> f32 {
    semantic_lead * words_coverage.clamp(0.0, 1.0) / (rank as f32 + 1.0)
}

/// The question as the semantic stage reads it: the question and its concepts, from
/// which the text the model embeds is made only when the model is asked.
pub(super) struct ModelQuestion<'a> {
    /// The member's question.
    pub question: &'a Question,
    /// Its concepts, some respelled into the FAQ's words.
    pub concepts: &'a [Concept],
}

/// What the semantic model reads for a question: the question itself, and for one
/// written all in kana (`しょうようりようできる？`) the FAQ words kotae respelled it
/// into, after it (`しょうようりようできる？（商用 利用）`). The model reads kanji far
/// better than a run of hiragana, and the respelling came from the FAQ's own words.
fn model_text(question: &str, concepts: &[Concept]) -> String {
    let all_kana = question
        .chars()
        .filter(|c| c.is_alphanumeric())
        .all(|c| is_kana(c) || c.is_ascii_digit());
    let respelled: Vec<&str> = concepts
        .iter()
        .map(|c| c.text.as_str())
        .filter(|text| !text.chars().all(is_kana))
        .collect();
    if all_kana && !respelled.is_empty() {
        format!("{question}（{}）", respelled.join(" "))
    } else {
        question.to_string()
    }
}

/// Hiragana, katakana and the prolonged sound mark, full or half width.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{ff66}'..='\u{ff9f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_lead_grows_with_what_they_explain() {
        // Words that explain the whole question keep the full lead for their best
        // entry; words that explain little barely reorder the model's choices.
        assert!((words_lead(0.03, 1.0, 0) - 0.03).abs() < 1e-6);
        assert!((words_lead(0.03, 0.2, 0) - 0.006).abs() < 1e-6);
        assert_eq!(words_lead(0.03, 0.0, 0), 0.0);
        // Halved for the second entry, a third for the third.
        assert!((words_lead(0.03, 1.0, 1) - 0.015).abs() < 1e-6);
        assert!((words_lead(0.03, 1.0, 2) - 0.01).abs() < 1e-6);
    }

    fn concept(text: &str) -> Concept {
        Concept {
            text: text.into(),
            reading: String::new(),
            alternatives: vec![vec![text.into()]],
            heads: Vec::new(),
            weight: 1.0,
            known: true,
            interrogative: false,
            context: false,
        }
    }

    #[test]
    fn an_all_kana_question_is_read_with_the_words_it_was_respelled_into() {
        let concepts = [concept("商用"), concept("利用"), concept("できる")];
        assert_eq!(
            model_text("しょうようりようできる？", &concepts),
            "しょうようりようできる？（商用 利用）"
        );
    }

    #[test]
    fn a_question_with_kanji_or_nothing_respelled_is_read_as_written() {
        let concepts = [concept("商用"), concept("利用")];
        assert_eq!(
            model_text("商用りようできる？", &concepts),
            "商用りようできる？"
        );
        let kana_only = [concept("できる")];
        assert_eq!(model_text("できる？", &kana_only), "できる？");
    }
}
