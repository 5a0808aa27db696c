//! The evidence stage: what each retrieved entry has to say for the question.
//!
//! [`QuestionFacts`] are read once from the analysis and the concepts (what the
//! question asks, its predicate, the concept weights); then every one of the
//! best-ranked entries gets its [`Evidence`]: coverage, shared concepts,
//! centrality, completeness and the intent facts the rules read. The fused score
//! ranks the entries; the rules judge the first.

use serde::Serialize;

use super::concepts::Concept;
use super::rules::{self, Case, Rules};
use super::vocabulary::{self, Vocabulary};
use super::{Matcher, intent};
use crate::analysis::pos::Class;
use crate::analysis::{self, Analysis, FieldKind};
use crate::lang::Lang;

/// Entries whose coverage is computed and fused with BM25 for the final ranking.
const RERANK: usize = 10;
/// Weight of BM25 (relative to the best entry's) in the fused ranking score.
const RANK_BM25: f32 = 0.5;
/// Weight of centrality (how many of an entry's phrasings use the question's
/// concepts) in the fused ranking score: it separates neighbours that share words.
const RANK_CENTRALITY: f32 = 0.5;
/// Weight, for a question asking *which things* (`何の情報が漏れたの`), of the share
/// of an entry's phrasings that ask the same way: `漏れた情報は何ですか` and
/// `情報は漏れたのですか` share every word and want different entries.
const RANK_WHICH: f32 = 0.8;
/// Weight of a word said only before the question of a long message, relative to
/// one in the question, in shared concepts.
pub(super) const CONTEXT_WEIGHT: f32 = 0.7;

/// What the matcher found for one candidate entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Fused ranking score: coverage + BM25 share + centrality (+ `which` share).
    pub score: f32,
    /// Weighted share of the question's concepts the entry contains, in [0, 1].
    pub coverage: f32,
    /// Two-sided match with the entry's closest phrasing, in [0, 1]; computed only
    /// when a rule reads it (or for `explain` and `eval`).
    pub similarity: f32,
    /// Weighted share of the entry's phrasings that use the question's concepts.
    pub centrality: f32,
    /// Concepts shared, counting one found only in the answer text as half.
    pub shared: f32,
    /// Whether every concept of the question was found in the entry's phrasings
    /// (or the entry is the sole owner of a status question's words).
    pub complete: bool,
    /// The question asks how to do something none of the entry's phrasings ask.
    pub procedure_unanswered: bool,
    /// The question reports a problem with what the entry says works.
    pub problem_unreported: bool,
    /// The question's main predicate, a word the FAQ knows, is not the entry's,
    /// and the entry has alternates: a lone official question's predicate is one
    /// editor's wording, which members say with other verbs.
    pub predicate_missing: bool,
    /// The question has a verb in kanji unlike any word of the FAQ.
    pub foreign_verb: bool,
    /// The question asks for a kind of fact (a price, a time, a count) no text of
    /// the entry states.
    pub fact_unstated: bool,
    /// Some of the shared evidence is only the known head of a compound the FAQ
    /// never uses (`引落` of `引落日`).
    pub via_head: bool,
}

/// What any FAQ's best candidate can be judged by: generic evidence, the same
/// quantities whatever the collection, shown by `eval --json`.
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
    /// The words' strength ([`rules::strength`]).
    pub strength: f32,
    /// What the semantic model said, when it was asked (the words did not
    /// answer, and a model is installed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic: Option<SemanticSignals>,
}

/// The semantic model's view of a question, read when the words do not answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SemanticSignals {
    /// The model's closeness of the first entry offered.
    pub first: f32,
    /// Its lead over the closest other entry (negative when the words' lead put
    /// it first).
    pub lead: f32,
    /// The model's first entry is the words' best.
    pub agrees: bool,
}

/// What the question says about itself, read once before any entry is judged.
pub(super) struct QuestionFacts {
    total_weight: f32,
    /// Weight of concepts the FAQ never uses.
    unknown_weight: f32,
    /// Concepts that must all be in an entry's phrasings for it to be complete.
    weighty: usize,
    asks_procedure: bool,
    /// The concept of the action a procedure question names.
    action: Option<usize>,
    request: bool,
    whether: bool,
    which: bool,
    /// The concept of what the question reports does not work.
    problem: Option<usize>,
    /// The concept of the question's main predicate.
    predicate: Option<usize>,
    foreign_verb: bool,
    /// The kinds of fact it asks for (`intent::asked_facts`).
    asked_facts: u32,
}

/// A conditional ending (`いつになったら`) is not something an entry must contain
/// for the question to be fully covered.
pub(super) fn counts_for_completeness(concept: &Concept) -> bool {
    concept.weight > 0.0 && concept.text != analysis::CONDITIONAL
}

impl QuestionFacts {
    /// Reads the facts of a question from its analysis and concepts.
    pub(super) fn of(matcher: &Matcher, analysis: &Analysis, concepts: &[Concept]) -> Self {
        let procedure = intent::procedure(analysis);
        let action = match &procedure {
            intent::Procedure::Action(term)
            | intent::Procedure::Request(term)
            | intent::Procedure::Whether(term) => concepts.iter().position(|c| c.spells(term)),
            _ => None,
        };
        let problem = intent::reported_problem(analysis).and_then(|term| {
            concepts
                .iter()
                .position(|c| c.weight > 0.0 && c.spells(&term))
        });
        // An entry without the question's main predicate answers another question
        // about the same nouns (`クレジットカード払いはできますか`). A kana word the
        // FAQ does not know may be a verb typed in kana (`ぬかれない`): no predicate.
        let predicate = intent::predicate(analysis).and_then(|term| {
            concepts.iter().position(|c| {
                c.weight > 0.0
                    && (c.known || c.text.chars().any(analysis::fold::is_kanji))
                    && c.spells(&term)
            })
        });
        QuestionFacts {
            total_weight: concepts.iter().map(|c| c.weight).sum(),
            unknown_weight: concepts.iter().filter(|c| !c.known).map(|c| c.weight).sum(),
            weighty: concepts
                .iter()
                .filter(|c| counts_for_completeness(c))
                .count(),
            asks_procedure: procedure.is_some(),
            action,
            request: matches!(procedure, intent::Procedure::Request(_)),
            whether: matches!(procedure, intent::Procedure::Whether(_)),
            which: intent::asks_which(analysis),
            problem,
            predicate,
            foreign_verb: matcher.has_foreign_verb(analysis),
            asked_facts: intent::asked_facts(matcher.analyzer.lang(), analysis),
        }
    }
}

/// A retrieved entry with its evidence, before the final ranking.
pub(super) struct Scored {
    /// Index into the BM25 ranking.
    pub position: usize,
    pub evidence: Evidence,
    /// `(concept index, credit)` pairs.
    pub credits: Vec<(usize, f32)>,
}

/// The evidence stage's output: candidates in their final order, and the number
/// of other candidates that explain the whole question.
pub(super) struct Assessed {
    pub scored: Vec<Scored>,
    pub rivals: usize,
}

impl Assessed {
    /// The rules' case for the best candidate, if there is one.
    pub fn case<'a>(&self, thresholds: &'a crate::config::Thresholds) -> Option<Case<'a>> {
        let best = self.scored.first()?;
        let runner_up = self.scored.get(1).map_or(0.0, |s| s.evidence.score);
        Some(Case::new(thresholds, best.evidence, runner_up, self.rivals))
    }

    /// The generic signals of the best candidate.
    pub fn signals(&self, facts: &QuestionFacts) -> Option<Signals> {
        let best = &self.scored.first()?.evidence;
        let runner_up = self.scored.get(1).map(|s| &s.evidence);
        let margin = rules::margin(best.score, runner_up.map_or(0.0, |e| e.score));
        Some(Signals {
            coverage: best.coverage,
            margin,
            shared: best.shared,
            similarity: best.similarity,
            complete: best.complete,
            off_intent: best.procedure_unanswered || best.problem_unreported || best.fact_unstated,
            predicate_missing: best.predicate_missing || best.foreign_verb,
            runner_up_coverage: runner_up.map_or(0.0, |e| e.coverage),
            concepts: facts.weighty,
            unknown_share: share(facts.unknown_weight, facts.total_weight),
            rivals: self.rivals,
            strength: rules::strength(best, margin),
            semantic: None,
        })
    }
}

/// The signals of a question no entry shares a word with, when the semantic
/// model ordered the choices: the question's own facts and the model's, the
/// words' evidence all zero, so that the confidence still says how likely the
/// model's first choice is right.
pub fn semantic_only_signals(facts: &QuestionFacts, semantic: SemanticSignals) -> Signals {
    Signals {
        concepts: facts.weighty,
        unknown_share: share(facts.unknown_weight, facts.total_weight),
        semantic: Some(semantic),
        ..Signals::default()
    }
}

/// `part / whole`, or 0 for an empty whole.
fn share(part: f32, whole: f32) -> f32 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// Which phrasings need their similarity measured: the best candidate's when a
/// rule reads it, every candidate's for `explain`, the best's for `eval`.
#[derive(Debug, Clone, Copy)]
pub(super) struct SimilarityFor {
    pub all: bool,
    pub best: bool,
}

impl Matcher {
    /// The evidence stage: judges the best-ranked entries, orders them by their
    /// fused score and measures phrasing similarity where it is read.
    pub(super) fn assess(
        &self,
        facts: &QuestionFacts,
        concepts: &[Concept],
        ranked: &[super::retrieval::Retrieved],
        similarity: SimilarityFor,
        rules: &Rules,
    ) -> Assessed {
        let best_bm25 = ranked
            .first()
            .map(|r| r.bm25)
            .unwrap_or(0.0)
            .max(f32::MIN_POSITIVE);
        let mut scored: Vec<Scored> = ranked
            .iter()
            .take(RERANK)
            .enumerate()
            .map(|(position, r)| Scored {
                position,
                credits: self.credits(&r.id, concepts),
                evidence: Evidence::default(),
            })
            .collect();
        for (s, r) in scored.iter_mut().zip(ranked) {
            s.evidence = self.evidence(facts, concepts, &r.id, &s.credits, r.bm25, best_bm25);
        }
        if let Some(owner) = sole_owner(self.analyzer.lang(), concepts, &scored) {
            scored[owner].evidence.complete = true;
        }
        scored.sort_by(|a, b| b.evidence.score.total_cmp(&a.evidence.score));
        let rivals = scored
            .iter()
            .skip(1)
            .filter(|s| s.evidence.complete && s.evidence.coverage >= rules::WHOLE)
            .count();
        let mut assessed = Assessed { scored, rivals };
        let read_by_rules = assessed
            .case(&self.thresholds)
            .is_some_and(|case| rules.need_similarity(&case));
        for (rank, s) in assessed.scored.iter_mut().enumerate() {
            let wanted = similarity.all || (rank == 0 && (read_by_rules || similarity.best));
            if let Some(vocabulary) = self.vocabulary.get(ranked[s.position].id.as_str())
                && wanted
            {
                s.evidence.similarity = vocabulary.similarity(concepts, self.use_readings());
            }
        }
        assessed
    }

    /// Whether the reading field is in use (not switched off for evaluation).
    pub(super) fn use_readings(&self) -> bool {
        !self.ablation.fields.contains(&FieldKind::Reading)
    }

    /// One entry's evidence from its credits for the question's concepts.
    fn evidence(
        &self,
        facts: &QuestionFacts,
        concepts: &[Concept],
        id: &str,
        credits: &[(usize, f32)],
        bm25: f32,
        best_bm25: f32,
    ) -> Evidence {
        let vocabulary = self.vocabulary.get(id);
        let credited =
            |concept: Option<usize>| concept.is_some_and(|c| credits.iter().any(|(i, _)| *i == c));
        let matched_weight: f32 = credits.iter().map(|(i, c)| concepts[*i].weight * c).sum();
        let coverage = share(matched_weight, facts.total_weight).min(1.0);
        let centrality = self.centrality(facts, concepts, credits, vocabulary);
        let which = if facts.which {
            RANK_WHICH * vocabulary.map_or(0.0, |v| v.which_share)
        } else {
            0.0
        };
        Evidence {
            score: coverage + RANK_BM25 * bm25 / best_bm25 + RANK_CENTRALITY * centrality + which,
            coverage,
            similarity: 0.0,
            centrality,
            shared: shared(concepts, credits),
            complete: complete(facts, concepts, credits, vocabulary),
            procedure_unanswered: facts.asks_procedure
                && !vocabulary.is_some_and(|v| {
                    v.silent_on_procedures()
                        || v.answers_procedure(
                            facts.action.map(|a| &concepts[a]),
                            credited(facts.action),
                            facts.whether,
                        )
                })
                && !(facts.request && credited(facts.action)),
            problem_unreported: facts.problem.is_some_and(|p| {
                credited(Some(p)) && !vocabulary.is_some_and(|v| v.reports(&concepts[p]))
            }),
            predicate_missing: facts.predicate.is_some()
                && !credited(facts.predicate)
                && vocabulary.is_none_or(|v| v.phrasings() > 1),
            foreign_verb: facts.foreign_verb,
            fact_unstated: vocabulary.is_some_and(|v| facts.asked_facts & !v.stated_facts != 0),
            // Only a compound the FAQ never uses has heads; its credit can only
            // have come through them.
            via_head: credits.iter().any(|(i, _)| !concepts[*i].heads.is_empty()),
        }
    }

    /// Weighted share of the entry's phrasings that use the question's concepts.
    fn centrality(
        &self,
        facts: &QuestionFacts,
        concepts: &[Concept],
        credits: &[(usize, f32)],
        vocabulary: Option<&Vocabulary>,
    ) -> f32 {
        if facts.total_weight <= 0.0 {
            return 0.0;
        }
        let readings = self.use_readings();
        credits
            .iter()
            .map(|(i, _)| {
                concepts[*i].weight
                    * vocabulary.map_or(0.0, |v| v.centrality(&concepts[*i], readings))
            })
            .sum::<f32>()
            / facts.total_weight
    }

    /// A verb in kanji unlike any word of the FAQ (`会って話したい`, `間違えて登録
    /// した`) asks about an action no entry describes.
    fn has_foreign_verb(&self, analysis: &Analysis) -> bool {
        analysis.morphemes.iter().any(|m| {
            m.content
                && m.pos.class == Class::Verb
                && m.surface.chars().any(analysis::fold::is_kanji)
                && !self
                    .concepts
                    .shares_first_kanji(&self.analyzer.fold(&m.base, FieldKind::Terms))
        })
    }
}

/// Concepts shared, a word found only in the answer counting half and a word of
/// the context before the question [`CONTEXT_WEIGHT`]; interrogatives and
/// conditionals are not shared topics.
fn shared(concepts: &[Concept], credits: &[(usize, f32)]) -> f32 {
    credits
        .iter()
        .filter(|(i, _)| !concepts[*i].interrogative && concepts[*i].text != analysis::CONDITIONAL)
        .map(|(i, c)| {
            c.min(1.0)
                * if concepts[*i].context {
                    CONTEXT_WEIGHT
                } else {
                    1.0
                }
        })
        .sum()
}

/// Whether every concept that counts is in the entry's phrasings. One word alone
/// (`組合員になりたい`) is complete only for the entry whose official question names
/// it: an alternate mentioning it in passing is not what the entry is about.
fn complete(
    facts: &QuestionFacts,
    concepts: &[Concept],
    credits: &[(usize, f32)],
    vocabulary: Option<&Vocabulary>,
) -> bool {
    let in_phrasings = credits
        .iter()
        .filter(|(i, c)| {
            *c >= vocabulary::CREDIT_PHRASING && counts_for_completeness(&concepts[*i])
        })
        .count();
    facts.weighty > 0
        && in_phrasings == facts.weighty
        && (facts.weighty > 1
            || vocabulary.is_some_and(|v| {
                concepts
                    .iter()
                    .any(|c| counts_for_completeness(c) && v.in_official_question(c))
            }))
}

/// The candidate that is the only one to have every word of a question that asks
/// nothing or asks how something stands (`メアドも？`,
/// `あったかポイントはどうなりますか`), in its phrasings: the question is fully about
/// that entry, though no phrasing has its question word. `None` when the question
/// asks for anything else (`いくら`, `いつ`), or when another candidate shares one
/// of its words.
fn sole_owner(lang: &Lang, concepts: &[Concept], scored: &[Scored]) -> Option<usize> {
    let (asked, subject): (Vec<usize>, Vec<usize>) = (0..concepts.len())
        .filter(|&i| counts_for_completeness(&concepts[i]))
        .partition(|&i| concepts[i].interrogative);
    let asks_status = asked
        .iter()
        .all(|&i| lang.status_question_words.contains(&concepts[i].text));
    if !asks_status || subject.is_empty() {
        return None;
    }
    let owner_of = |i: usize| -> Option<usize> {
        let mut holders = scored
            .iter()
            .enumerate()
            .filter(|(_, s)| s.credits.iter().any(|(c, _)| *c == i));
        let (owner, s) = holders.next()?;
        let in_phrasings = s
            .credits
            .iter()
            .any(|(c, credit)| *c == i && *credit >= vocabulary::CREDIT_PHRASING);
        (in_phrasings && holders.next().is_none()).then_some(owner)
    };
    let owner = owner_of(subject[0])?;
    subject[1..]
        .iter()
        .all(|&i| owner_of(i) == Some(owner))
        .then_some(owner)
}
