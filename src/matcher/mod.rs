//! Question → [`Reply`]: retrieve with tantivy, decide in plain Rust.
//!
//! tantivy retrieves: the question's concepts (content words, each expanded by its
//! synonym group) become a `BooleanQuery` over the phrasing fields and the answer
//! field, and scores are aggregated per FAQ entry (best phrasing + a share of the
//! answer's score).
//!
//! kotae decides, and the non-obvious decision is *what* it decides on. Raw BM25
//! grows with the length of the question and with the rarity of a single shared
//! word, so no threshold on it separates "the FAQ answers this" from "this shares
//! one rare word with an answer". The decision instead uses two quantities that are
//! comparable across questions:
//! - **coverage**: the IDF-weighted share of the question's concepts that the
//!   entry's vocabulary (question, alternates, answer) contains. A question about
//!   *refunds* of 出資金 shares 出資金 with the entry on 出資金 being safe, but not
//!   返金, so its coverage stays low.
//! - **margin**: how far the best entry's score is ahead of the runner-up's,
//!   relative to the best. Two neighbouring entries sharing 漏えい/可能性 give a small
//!   margin, and kotae offers both instead of picking one.
//!
//! `confidence = explained³ × (0.25 + 0.75 × min(1, 2 × margin))`, where `explained`
//! is the coverage (or, for a long question, shared concepts / 4.5): with no margin
//! even full coverage stays at 0.25, and every unexplained part of the question
//! costs dearly (0.8 caps confidence at 0.51): an out-of-scope question that
//! borrows two of the notice's words still leaves its own topic unexplained.
//! See [`Decision`] for the rules.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term as IndexTerm};

use crate::analysis::{self, Analysis, Analyzer, FieldKind, fold};
use crate::config::{Config, Limits, Thresholds};
use crate::error::{Error, QuestionProblem, Result};
use crate::faq::{Entry, Faq};
use crate::index::{self, FaqIndex};

mod concepts;
mod decision;
mod intent;
mod vocabulary;

pub use concepts::Concept;
use concepts::ConceptBuilder;
pub use decision::{Decision, Evidence, Signals, Verdict, decide};

use crate::near_duplicates::NearDuplicate;
use vocabulary::Vocabulary;

/// Relative weight of each field in the retrieval query.
const BOOST_TERMS: f32 = 1.0;
const BOOST_READING: f32 = 0.6;
const BOOST_KANA: f32 = 0.15;
const BOOST_CHAR: f32 = 0.1;
const BOOST_ANSWER: f32 = 0.3;
/// Share of an entry's answer-document score added to its best phrasing score.
const ANSWER_SHARE: f32 = 0.5;
/// Weight of a word said only before the question of a long message, relative to
/// one in the question, in coverage and in shared concepts.
const CONTEXT_WEIGHT: f32 = 0.7;
/// Weight of an interrogative relative to a content word of the same rarity.
const INTERROGATIVE_WEIGHT: f32 = 0.3;

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

/// Longest answer excerpt shown by staff search, in characters.
const SNIPPET_CHARS: usize = 120;

/// Documents retrieved before aggregation into entries.
const RETRIEVE: usize = 100;

/// A validated question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    text: String,
    top_k: usize,
    explain: bool,
    signals: bool,
}

impl Question {
    /// Validates `text` against `limits`; `top_k` is clamped by the caller's checks.
    pub fn new(text: &str, top_k: usize, explain: bool, limits: &Limits) -> Result<Question> {
        if text.trim().is_empty() {
            return Err(Error::InvalidQuestion(QuestionProblem::Empty));
        }
        if text.chars().count() > limits.max_question_chars {
            return Err(Error::InvalidQuestion(QuestionProblem::TooLong(
                limits.max_question_chars,
            )));
        }
        Ok(Question {
            text: text.to_string(),
            top_k: top_k.clamp(1, limits.max_top_k.max(1)),
            explain,
            signals: false,
        })
    }

    /// Also measure the signals that only evaluation reads (the best candidate's
    /// phrasing similarity where the decision does not need it): `kotae eval`.
    pub fn with_all_signals(mut self) -> Question {
        self.signals = true;
        self
    }

    /// The question as typed.
    pub fn text(&self) -> &str {
        &self.text
    }
}

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
    /// How sure, in [0, 1].
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

/// Question words that ask how something stands (`どうなりますか`), which any entry
/// about that thing answers; `いくら` or `いつ` ask for a fact it may not state.
const STATUS_QUESTION_WORDS: &[&str] = &["どう", "いかが"];

/// A retrieved entry with its evidence, before the final ranking.
struct Scored {
    /// Index into the BM25 ranking.
    position: usize,
    evidence: Evidence,
    /// `(concept index, credit)` pairs.
    credits: Vec<(usize, f32)>,
}

/// One labelled clause of the retrieval query.
struct Clause {
    field: &'static str,
    text: String,
    query: Box<dyn Query>,
}

/// A ranked entry for staff search.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The entry.
    pub entry: Entry,
    /// Aggregated retrieval score.
    pub score: f32,
    /// An excerpt of the answer as HTML: everything escaped, the words that
    /// matched the search wrapped in `<mark>`.
    pub snippet: String,
}

/// Mechanisms that can be switched off, to measure what each is worth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ablation {
    /// Fields not queried.
    pub fields: HashSet<FieldKind>,
    /// No synonym expansion.
    pub no_synonyms: bool,
    /// No compound expansion (parts of the FAQ's compounds, heads of unknown ones).
    pub no_compounds: bool,
    /// All-kana questions are not respelled through the FAQ's readings.
    pub no_respelling: bool,
    /// The answer text is not queried.
    pub no_answer: bool,
    /// The FAQ's alternates are left out of the index.
    pub no_alternates: bool,
}

/// Small talk: folded terms and normalized patterns of one group.
struct SmallTalkGroup {
    patterns: HashSet<String>,
    terms: HashSet<String>,
    reply: String,
}

/// An immutable matcher over one FAQ snapshot; build a new one to reload.
pub struct Matcher {
    faq: Arc<Faq>,
    analyzer: Analyzer,
    index: FaqIndex,
    searcher: Searcher,
    vocabulary: FxHashMap<String, Vocabulary>,
    /// Phrasing documents per term of the terms field, read once from the index.
    doc_freq: FxHashMap<String, u64>,
    /// Every term of the answer field.
    answer_terms: FxHashSet<String>,
    concepts: ConceptBuilder,
    smalltalk: Vec<SmallTalkGroup>,
    thresholds: Thresholds,
    ablation: Ablation,
    phrasings: f32,
    near_duplicates: Vec<NearDuplicate>,
}

/// Per-entry scores gathered from retrieved documents.
#[derive(Debug, Default, Clone)]
struct Gathered {
    phrasing: f32,
    phrasing_doc: Option<DocAddress>,
    answer: f32,
    answer_doc: Option<DocAddress>,
}

impl Matcher {
    /// Loads the FAQ, opens the dictionary and the index (building what is missing)
    /// and returns a ready matcher.
    pub fn build(config: &Config) -> Result<Matcher> {
        Self::build_with(config, Ablation::default(), HashSet::new())
    }

    /// [`Matcher::build`] with mechanisms switched off (for evaluation).
    pub fn build_with(
        config: &Config,
        ablation: Ablation,
        disabled_folds: HashSet<fold::Fold>,
    ) -> Result<Matcher> {
        config.thresholds.validate()?;
        let faq = Faq::load(&config.paths.faq)?;
        let faq = if ablation.no_alternates {
            faq.without_alternates()
        } else {
            faq
        };
        let userdict_path = faq.dir.join(crate::faq::USERDICT_FILE);
        let analyzer = Analyzer::load(
            &config.paths.ipadic_src,
            &config.paths.dictionary_cache(),
            faq.userdict
                .as_deref()
                .map(|csv| (csv, userdict_path.as_path())),
            disabled_folds,
        )?;
        let index = index::open_or_build(&faq, &analyzer, &config.paths.index)?;
        Self::new(faq, analyzer, index, config.thresholds, ablation)
    }

    /// Assembles a matcher from parts that are already loaded.
    pub fn new(
        faq: Faq,
        analyzer: Analyzer,
        index: FaqIndex,
        thresholds: Thresholds,
        ablation: Ablation,
    ) -> Result<Matcher> {
        thresholds.validate()?;
        let searcher = index.reader.searcher();
        let mut vocabulary = FxHashMap::default();
        let mut phrasings = 0usize;
        for entry in &faq.entries {
            let texts: Vec<&str> = std::iter::once(entry.question.as_str())
                .chain(entry.alternates.iter().map(String::as_str))
                .collect();
            phrasings += texts.len();
            vocabulary.insert(
                entry.id.clone(),
                Vocabulary::of(&analyzer, &texts, &entry.answer)?,
            );
        }
        let concepts = ConceptBuilder::new(&faq, &analyzer)?;
        let doc_freq = term_frequencies(&searcher, index.fields.phrasing(FieldKind::Terms))?;
        for words in vocabulary.values_mut() {
            words.weigh(|term| {
                let df = doc_freq.get(term).copied().unwrap_or(1).max(1);
                let weight = idf(phrasings as f32, df as f32);
                if concepts::QUESTION_WORDS.contains(&term) {
                    weight * INTERROGATIVE_WEIGHT
                } else {
                    weight
                }
            });
        }
        let answer_terms = term_frequencies(&searcher, index.fields.answer)?
            .into_keys()
            .collect();

        let mut smalltalk = Vec::new();
        for talk in &faq.responses.smalltalk {
            let mut group = SmallTalkGroup {
                patterns: HashSet::new(),
                terms: HashSet::new(),
                reply: talk.reply.clone(),
            };
            for pattern in &talk.patterns {
                group
                    .patterns
                    .insert(letters_only(&analyzer.analyze(pattern)?.normalized));
                group
                    .terms
                    .extend(analyzer.analyze(pattern)?.terms.into_iter().map(|t| t.text));
            }
            smalltalk.push(group);
        }
        let near_duplicates = crate::near_duplicates::find(&faq, &analyzer)?;
        Ok(Matcher {
            faq: Arc::new(faq),
            analyzer,
            searcher,
            index,
            vocabulary,
            doc_freq,
            answer_terms,
            concepts,
            smalltalk,
            thresholds,
            ablation,
            phrasings: phrasings as f32,
            near_duplicates,
        })
    }

    /// Entries whose official questions are nearly the same (for the editor).
    pub fn near_duplicates(&self) -> &[NearDuplicate] {
        &self.near_duplicates
    }

    /// The FAQ this matcher serves.
    pub fn faq(&self) -> &Arc<Faq> {
        &self.faq
    }

    /// The analyzer, for `kotae tokenize`.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The index generation in use.
    pub fn index(&self) -> &FaqIndex {
        &self.index
    }

    /// Answers a question.
    pub fn ask(&self, question: &Question) -> Result<Reply> {
        let analysis = if question.explain {
            self.analyzer.analyze_all(&question.text)?
        } else {
            self.analyzer.analyze(&question.text)?
        };
        if let Some(reply) = self.smalltalk(&analysis) {
            return Ok(Reply {
                decision: Decision::Smalltalk,
                confidence: 1.0,
                answer: None,
                candidates: Vec::new(),
                fallback: None,
                message: Some(reply),
                reason: "every word of the message is a greeting or thanks".into(),
                signals: None,
                explain: question.explain.then(|| Explain {
                    analysis: analysis.clone(),
                    concepts: Vec::new(),
                    candidates: Vec::new(),
                    thresholds: self.thresholds,
                    reason: "every word of the message is a greeting or thanks".into(),
                }),
            });
        }
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts, false);
        let ranked = self.retrieve(&Self::query(&clauses))?;

        let total_weight: f32 = concepts.iter().map(|c| c.weight).sum();
        let procedure = intent::procedure(&analysis);
        // The concept of the action a procedure question names, if any.
        let action = match &procedure {
            intent::Procedure::Action(term)
            | intent::Procedure::Request(term)
            | intent::Procedure::Whether(term) => concepts.iter().position(|c| c.spells(term)),
            _ => None,
        };
        let request = matches!(procedure, intent::Procedure::Request(_));
        let whether = matches!(procedure, intent::Procedure::Whether(_));
        let which = intent::asks_which(&analysis.morphemes);
        // The concept of what the question reports does not work, if any.
        let problem = intent::reported_problem(&analysis).and_then(|term| {
            concepts
                .iter()
                .position(|c| c.weight > 0.0 && c.spells(&term))
        });
        // The concept of the question's main predicate: an entry without it
        // answers another question about the same nouns (`クレジットカード払いは
        // できますか`), and a verb the FAQ never uses (`捨てる`) asks about something
        // it does not describe. A kana word the FAQ does not know may be a verb
        // typed in kana (`ぬかれない`), so it does not count.
        let predicate = intent::predicate(&analysis).and_then(|term| {
            concepts.iter().position(|c| {
                c.weight > 0.0
                    && (c.known || c.text.chars().any(crate::analysis::fold::is_kanji))
                    && c.spells(&term)
            })
        });
        // A verb in kanji unlike any word of the FAQ anywhere in the question
        // (`会って話したい`, `間違えて登録した`) asks about an action no entry
        // describes.
        let foreign_verb = analysis.morphemes.iter().any(|m| {
            m.content
                && m.pos.first().is_some_and(|p| p == "動詞")
                && m.surface.chars().any(crate::analysis::fold::is_kanji)
                && !self
                    .concepts
                    .shares_first_kanji(&self.analyzer.fold(&m.base, FieldKind::Terms))
        });
        // A conditional ending (`いつになったら`) is not something an entry must
        // contain for the question to be fully covered.
        let counts_for_completeness =
            |c: &Concept| c.weight > 0.0 && c.text != crate::analysis::CONDITIONAL;
        let weighty = concepts
            .iter()
            .filter(|c| counts_for_completeness(c))
            .count();
        let best_bm25 = ranked
            .first()
            .map(|r| r.2)
            .unwrap_or(0.0)
            .max(f32::MIN_POSITIVE);
        // Rank fusion: coverage says how much of the question an entry explains,
        // BM25 how specifically one of its phrasings matches.
        let readings = !self.ablation.fields.contains(&FieldKind::Reading);
        let mut scored: Vec<Scored> = ranked
            .iter()
            .take(RERANK)
            .enumerate()
            .map(|(position, (id, _, bm25))| {
                let credits = self.credits(id, &concepts);
                let matched_weight: f32 =
                    credits.iter().map(|(i, c)| concepts[*i].weight * c).sum();
                let coverage = if total_weight > 0.0 {
                    (matched_weight / total_weight).min(1.0)
                } else {
                    0.0
                };
                let in_phrasings = credits
                    .iter()
                    .filter(|(i, c)| {
                        *c >= vocabulary::CREDIT_PHRASING && counts_for_completeness(&concepts[*i])
                    })
                    .count();
                let vocabulary = self.vocabulary.get(id.as_str());
                let action_credited = action.is_some_and(|a| credits.iter().any(|(i, _)| *i == a));
                let centrality = if total_weight > 0.0 {
                    credits
                        .iter()
                        .map(|(i, _)| {
                            concepts[*i].weight
                                * vocabulary.map_or(0.0, |v| v.centrality(&concepts[*i], readings))
                        })
                        .sum::<f32>()
                        / total_weight
                } else {
                    0.0
                };
                let evidence = Evidence {
                    score: coverage
                        + RANK_BM25 * bm25 / best_bm25
                        + RANK_CENTRALITY * centrality
                        + if which {
                            RANK_WHICH * vocabulary.map_or(0.0, |v| v.which_share)
                        } else {
                            0.0
                        },
                    // Filled in below for the candidates that need it.
                    similarity: 0.0,
                    centrality,
                    coverage,
                    shared: credits
                        .iter()
                        .filter(|(i, _)| {
                            !concepts[*i].interrogative
                                && concepts[*i].text != crate::analysis::CONDITIONAL
                        })
                        .map(|(i, c)| {
                            c.min(1.0)
                                * if concepts[*i].context {
                                    CONTEXT_WEIGHT
                                } else {
                                    1.0
                                }
                        })
                        .sum(),
                    // One word alone (`組合員になりたい`) is complete only for the entry
                    // whose official question names it: an alternate mentioning it in
                    // passing is not what the entry is about.
                    complete: weighty > 0
                        && in_phrasings == weighty
                        && (weighty > 1
                            || vocabulary.is_some_and(|v| {
                                concepts.iter().any(|c| {
                                    counts_for_completeness(c) && v.in_official_question(c)
                                })
                            })),
                    predicate_missing: foreign_verb
                        || predicate.is_some_and(|p| !credits.iter().any(|(i, _)| *i == p)),
                    // Only a compound the FAQ never uses has heads; its credit can
                    // only have come through them.
                    via_head: credits.iter().any(|(i, _)| !concepts[*i].heads.is_empty()),
                    off_intent: (procedure.is_some()
                        && !vocabulary.is_some_and(|v| {
                            v.answers_procedure(
                                action.map(|a| &concepts[a]),
                                action_credited,
                                whether,
                            )
                        })
                        && !(request && action_credited))
                        || problem.is_some_and(|p| {
                            credits.iter().any(|(i, _)| *i == p)
                                && !vocabulary.is_some_and(|v| v.reports(&concepts[p]))
                        }),
                };
                Scored {
                    position,
                    evidence,
                    credits,
                }
            })
            .collect();
        if let Some(owner) = sole_owner(&concepts, &scored, counts_for_completeness) {
            scored[owner].evidence.complete = true;
        }
        scored.sort_by(|a, b| b.evidence.score.total_cmp(&a.evidence.score));
        // Similarity can only change the decision for the best candidate, and only
        // when the echo rule is what makes it topical; explain shows it for all.
        let rivals = scored
            .iter()
            .skip(1)
            .filter(|s| s.evidence.complete && s.evidence.coverage >= decision::WHOLE)
            .count();
        for (rank, s) in scored.iter_mut().enumerate() {
            // Similarity can only change the decision for the best candidate, and
            // only when the echo or rivals rule reads it; explain and eval show it.
            let decides = rank == 0
                && (decision::needs_similarity(&self.thresholds, &s.evidence)
                    || rivals >= decision::RIVALS);
            if !(question.explain || decides || (question.signals && rank == 0)) {
                continue;
            }
            let id = &ranked[s.position].0;
            if let Some(vocabulary) = self.vocabulary.get(id.as_str()) {
                s.evidence.similarity = vocabulary.similarity(&concepts, readings);
            }
        }

        let mut candidates = Vec::new();
        let mut explained = Vec::new();
        for Scored {
            position,
            evidence,
            credits,
        } in scored.iter().take(question.top_k)
        {
            let (id, gathered, _) = &ranked[*position];
            let entry = self.entry(id)?;
            candidates.push(Candidate {
                id: id.clone(),
                question: entry.question.clone(),
                score: evidence.score,
                coverage: evidence.coverage,
            });
            if question.explain {
                explained.push(
                    self.explain_candidate(
                        id,
                        gathered,
                        evidence,
                        credits
                            .iter()
                            .map(|(i, _)| concepts[*i].text.clone())
                            .collect(),
                        &clauses,
                    )?,
                );
            }
        }
        let evidence: Vec<Evidence> = scored.iter().map(|s| s.evidence).collect();
        let unknown_weight: f32 = concepts.iter().filter(|c| !c.known).map(|c| c.weight).sum();
        let signals = evidence.first().map(|best| {
            let runner_up = evidence.get(1);
            Signals {
                coverage: best.coverage,
                margin: decision::margin(best.score, runner_up.map_or(0.0, |e| e.score)),
                shared: best.shared,
                similarity: best.similarity,
                complete: best.complete,
                off_intent: best.off_intent,
                predicate_missing: best.predicate_missing,
                runner_up_coverage: runner_up.map_or(0.0, |e| e.coverage),
                concepts: weighty,
                unknown_share: if total_weight > 0.0 {
                    unknown_weight / total_weight
                } else {
                    0.0
                },
                rivals,
            }
        });

        let Verdict {
            decision,
            confidence,
            reason,
        } = decide(
            &self.thresholds,
            evidence.first(),
            evidence.get(1).map(|e| e.score).unwrap_or(0.0),
            rivals,
        );
        let answer = match decision {
            Decision::Answer => candidates
                .first()
                .map(|c| self.entry(&c.id).cloned())
                .transpose()?,
            _ => None,
        };
        let clarify_coverage = self.thresholds.clarify_coverage;
        let mut candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| decision != Decision::Clarify || c.coverage >= clarify_coverage)
            .collect();
        candidates.truncate(question.top_k);
        let message = match decision {
            Decision::Clarify => Some(self.faq.responses.clarify_message.clone()),
            _ => None,
        };
        Ok(Reply {
            decision,
            confidence,
            answer,
            candidates,
            fallback: (decision == Decision::Fallback).then(|| self.fallback()),
            message,
            explain: question.explain.then(|| Explain {
                analysis,
                concepts,
                candidates: explained,
                thresholds: self.thresholds,
                reason: reason.clone(),
            }),
            reason,
            signals,
        })
    }

    /// Official questions that match what a member has typed so far (a fragment
    /// like `クレジ` included), best first: the widget's suggestions. No decision,
    /// no snippets, so it is cheap enough for every keystroke.
    pub fn suggest(&self, text: &str, limit: usize) -> Result<Vec<(String, String)>> {
        let analysis = self.analyzer.analyze(text)?;
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts, true);
        let mut suggestions = Vec::new();
        for (id, _, _) in self
            .retrieve(&Self::query(&clauses))?
            .into_iter()
            .take(limit)
        {
            let question = self.entry(&id)?.question.clone();
            suggestions.push((id, question));
        }
        Ok(suggestions)
    }

    /// Ranks entries for staff search; no decision, no thresholds.
    pub fn search(&self, text: &str, limit: usize, category: Option<&str>) -> Result<Vec<Hit>> {
        let analysis = self.analyzer.analyze(text)?;
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts, true);
        let snippets = self.snippet_generator(&concepts)?;
        let mut hits = Vec::new();
        for (id, _, score) in self.retrieve(&Self::query(&clauses))? {
            let entry = self.entry(&id)?;
            if category.is_some_and(|c| c != entry.category) {
                continue;
            }
            hits.push(Hit {
                snippet: snippet_html(&snippets, &entry.answer),
                entry: entry.clone(),
                score,
            });
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }

    /// A snippet generator over the answer field for the concepts' terms.
    fn snippet_generator(&self, concepts: &[Concept]) -> Result<SnippetGenerator> {
        let field = self.index.fields.answer;
        let terms: Vec<(Occur, Box<dyn Query>)> = concepts
            .iter()
            .flat_map(|c| c.alternatives.iter().flatten())
            .map(|t| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    IndexTerm::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, query)
            })
            .collect();
        let mut generator =
            SnippetGenerator::create(&self.searcher, &BooleanQuery::new(terms), field)?;
        generator.set_max_num_chars(SNIPPET_CHARS);
        Ok(generator)
    }

    /// The fallback: message and the hotline from the FAQ.
    pub fn fallback(&self) -> Fallback {
        let hotline = self.faq.hotline();
        Fallback {
            message: self.faq.responses.fallback_message.clone(),
            phone: hotline.map(|h| h.phone.clone()).unwrap_or_default(),
            hours: hotline.map(|h| h.hours.clone()).unwrap_or_default(),
        }
    }

    fn entry(&self, id: &str) -> Result<&Entry> {
        self.faq
            .entry(id)
            .ok_or_else(|| Error::Index(format!("index holds entry {id:?} that the FAQ lacks")))
    }

    fn smalltalk(&self, analysis: &Analysis) -> Option<String> {
        let letters = letters_only(&analysis.normalized);
        let terms: HashSet<&str> = analysis.terms.iter().map(|t| t.text.as_str()).collect();
        self.smalltalk
            .iter()
            .find(|group| {
                group.patterns.contains(&letters)
                    || (!terms.is_empty() && terms.iter().all(|t| group.terms.contains(*t)))
            })
            .map(|group| group.reply.clone())
    }

    /// The question's concepts, weighed by how rare they are in the FAQ.
    fn concepts(&self, analysis: &Analysis) -> Result<Vec<Concept>> {
        let question_start = intent::question_start(analysis);
        self.concepts
            .drafts(&self.analyzer, analysis, &self.ablation)
            .into_iter()
            .map(|draft| {
                let interrogative = concepts::QUESTION_WORDS.contains(&draft.text.as_str());
                let (weight, known) = self.weight(&draft.alternatives)?;
                // Numbers the FAQ never mentions (a phone or member number typed
                // into the question) say nothing about the topic.
                let stray_number = !known && draft.text.chars().all(|c| c.is_ascii_digit());
                let context = draft.last_start.is_some_and(|start| start < question_start);
                // A loanword the FAQ never uses, not even in an answer (`アプリ`,
                // `クーポン`), names a thing it does not describe; unknown kanji and
                // kana words paraphrase more often.
                let loanword = !known
                    && !self.concepts.is_faq_word(&draft.text)
                    && draft.last_start.is_some_and(|start| {
                        analysis.morphemes.iter().any(|m| {
                            m.start == start
                                && m.surface
                                    .chars()
                                    .all(|c| crate::analysis::fold::is_katakana(c) || c == 'ー')
                        })
                    })
                    && draft.text.chars().count() >= 2;
                let weight = if interrogative {
                    weight * INTERROGATIVE_WEIGHT
                } else if stray_number {
                    0.0
                } else if loanword {
                    weight / self.thresholds.unknown_word_weight
                } else {
                    weight
                } * if context { CONTEXT_WEIGHT } else { 1.0 };
                Ok(Concept {
                    text: draft.text,
                    reading: draft.reading,
                    alternatives: draft.alternatives,
                    heads: draft.heads,
                    weight,
                    known,
                    interrogative,
                    context,
                })
            })
            .collect()
    }

    /// IDF of the best-known alternative over phrasing documents.
    fn weight(&self, alternatives: &[Vec<String>]) -> Result<(f32, bool)> {
        let mut best_df: Option<u64> = None;
        for alternative in alternatives {
            let df_min = alternative
                .iter()
                .map(|term| self.doc_freq.get(term.as_str()).copied().unwrap_or(0))
                .min()
                .unwrap_or(0);
            if df_min > 0 {
                best_df = Some(best_df.map_or(df_min, |b: u64| b.max(df_min)));
            }
        }
        Ok(match best_df {
            Some(df) => (idf(self.phrasings, df as f32), true),
            None => (
                idf(self.phrasings, 1.0) * self.thresholds.unknown_word_weight,
                false,
            ),
        })
    }

    /// `(concept index, credit)` for each weighty concept entry `id` gives evidence for.
    fn credits(&self, id: &str, concepts: &[Concept]) -> Vec<(usize, f32)> {
        let Some(vocabulary) = self.vocabulary.get(id) else {
            return Vec::new();
        };
        let readings = !self.ablation.fields.contains(&FieldKind::Reading);
        concepts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.weight > 0.0)
            .map(|(i, c)| (i, vocabulary.credit(c, readings)))
            .filter(|(_, credit)| *credit > 0.0)
            .collect()
    }

    /// The retrieval query's clauses, each labelled with its field and text.
    ///
    /// `all_answers`: query the answer field for every concept (staff search, where
    /// matches in the answer text matter), not only for words no phrasing uses.
    fn clauses(&self, analysis: &Analysis, concepts: &[Concept], all_answers: bool) -> Vec<Clause> {
        let fields = &self.index.fields;
        let enabled = |kind: FieldKind| !self.ablation.fields.contains(&kind);
        let term = |field, text: &str, boost: f32| -> Box<dyn Query> {
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    IndexTerm::from_field_text(field, text),
                    IndexRecordOption::WithFreqs,
                )),
                boost,
            ))
        };
        // A synonym group scores as its best member, never as the sum of members.
        // Members the field does not contain are left out: they cannot match, and
        // each costs a term lookup.
        let any_of = |field, alternatives: &[Vec<String>], boost: f32| -> Box<dyn Query> {
            // The field's own vocabulary: phrasing terms for phrasing fields, answer
            // terms for the answer field.
            let in_answer = field == fields.answer;
            let present = |alternative: &&Vec<String>| {
                alternative.iter().all(|t| {
                    if in_answer {
                        self.answer_terms.contains(t)
                    } else {
                        self.doc_freq.contains_key(t)
                    }
                })
            };
            let mut kept: Vec<&Vec<String>> = alternatives.iter().filter(present).collect();
            if kept.is_empty() {
                kept = alternatives.iter().take(1).collect();
            }
            let options: Vec<Box<dyn Query>> = kept
                .into_iter()
                .map(|alternative| match alternative.as_slice() {
                    [single] => term(field, single, boost),
                    // A multi-word member counts only when all its words are there.
                    many => Box::new(BooleanQuery::new(
                        many.iter()
                            .map(|t| (Occur::Must, term(field, t, boost)))
                            .collect(),
                    )) as Box<dyn Query>,
                })
                .collect();
            let mut options = options;
            match options.len() {
                1 => options.remove(0),
                _ => Box::new(DisjunctionMaxQuery::new(options)),
            }
        };
        let mut clauses = Vec::new();
        for concept in concepts {
            if enabled(FieldKind::Terms) {
                clauses.push(Clause {
                    field: index::PHRASING[0],
                    text: concept.text.clone(),
                    query: any_of(
                        fields.phrasing(FieldKind::Terms),
                        &concept.alternatives,
                        BOOST_TERMS,
                    ),
                });
                if !concept.heads.is_empty() {
                    clauses.push(Clause {
                        field: index::PHRASING[0],
                        text: format!("{} (head)", concept.text),
                        query: any_of(
                            fields.phrasing(FieldKind::Terms),
                            &concept.heads,
                            BOOST_TERMS * vocabulary::CREDIT_HEAD,
                        ),
                    });
                }
            }
            // The answer text is searched for words no phrasing uses: where a
            // phrasing has the word, it already brings the entry in, and the
            // answer's share of the evidence counts in coverage anyway.
            let in_phrasings = concept
                .alternatives
                .iter()
                .any(|alt| alt.iter().all(|t| self.doc_freq.contains_key(t)));
            if !self.ablation.no_answer && (all_answers || !in_phrasings) {
                clauses.push(Clause {
                    field: index::ANSWER,
                    text: concept.text.clone(),
                    query: any_of(fields.answer, &concept.alternatives, BOOST_ANSWER),
                });
            }
            if enabled(FieldKind::Reading) && !concept.reading.is_empty() {
                clauses.push(Clause {
                    field: index::PHRASING[1],
                    text: concept.reading.clone(),
                    query: term(
                        fields.phrasing(FieldKind::Reading),
                        &concept.reading,
                        BOOST_READING,
                    ),
                });
            }
        }
        // Bigrams are fallbacks: of the whole reading only for all-hiragana questions
        // (whose segmentation is unreliable), of the surface only for words the FAQ
        // never uses (typos, unknown words). Elsewhere they add noise.
        if enabled(FieldKind::KanaGram) && analysis::is_kana_heavy(&analysis.normalized) {
            let mut seen = HashSet::new();
            for gram in analysis
                .kana_grams
                .iter()
                .filter(|t| seen.insert(t.text.as_str()))
            {
                clauses.push(Clause {
                    field: index::PHRASING[2],
                    text: gram.text.clone(),
                    query: term(fields.phrasing(FieldKind::KanaGram), &gram.text, BOOST_KANA),
                });
            }
        }
        if enabled(FieldKind::CharGram) {
            let mut seen = HashSet::new();
            for concept in concepts.iter().filter(|c| !c.known) {
                let chars: Vec<char> = concept.text.chars().collect();
                for pair in chars.windows(2) {
                    let gram: String = pair.iter().collect();
                    if seen.insert(gram.clone()) {
                        clauses.push(Clause {
                            field: index::PHRASING[3],
                            query: term(fields.phrasing(FieldKind::CharGram), &gram, BOOST_CHAR),
                            text: gram,
                        });
                    }
                }
            }
        }
        clauses
    }

    fn query(clauses: &[Clause]) -> BooleanQuery {
        BooleanQuery::new(
            clauses
                .iter()
                .map(|c| (Occur::Should, c.query.box_clone()))
                .collect(),
        )
    }

    /// Retrieves documents and aggregates them into ranked entries.
    fn retrieve(&self, query: &BooleanQuery) -> Result<Vec<(String, Gathered, f32)>> {
        let top = self.searcher.search(
            query,
            &tantivy::collector::TopDocs::with_limit(RETRIEVE).order_by_score(),
        )?;
        let mut slots = Vec::new();
        for segment in self.searcher.segment_readers() {
            slots.push(segment.fast_fields().u64(index::SLOT)?);
        }
        let mut gathered: FxHashMap<usize, Gathered> = FxHashMap::default();
        let mut order: Vec<usize> = Vec::new();
        for (score, address) in top {
            let Some(slot) = slots
                .get(address.segment_ord as usize)
                .and_then(|column| column.first(address.doc_id))
            else {
                continue;
            };
            let (ordinal, is_answer) = ((slot >> 1) as usize, slot & 1 == 1);
            let slot = gathered.entry(ordinal).or_insert_with(|| {
                order.push(ordinal);
                Gathered::default()
            });
            if is_answer {
                if score > slot.answer {
                    slot.answer = score;
                    slot.answer_doc = Some(address);
                }
            } else if score > slot.phrasing {
                slot.phrasing = score;
                slot.phrasing_doc = Some(address);
            }
        }
        let mut ranked: Vec<(String, Gathered, f32)> = order
            .into_iter()
            .filter_map(|ordinal| {
                let g = gathered.remove(&ordinal)?;
                let id = self.faq.entries.get(ordinal)?.id.clone();
                let score = g.phrasing + ANSWER_SHARE * g.answer;
                Some((id, g, score))
            })
            .collect();
        ranked.sort_by(|a, b| b.2.total_cmp(&a.2));
        Ok(ranked)
    }

    fn explain_candidate(
        &self,
        id: &str,
        gathered: &Gathered,
        evidence: &Evidence,
        matched: Vec<String>,
        clauses: &[Clause],
    ) -> Result<CandidateExplain> {
        let best_phrasing = match gathered.phrasing_doc {
            Some(address) => {
                let doc: TantivyDocument = self.searcher.doc(address)?;
                doc.get_first(self.index.fields.phrasing_text)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            }
            None => None,
        };
        // Each clause is searched on its own and the candidate's documents looked up
        // in its results: per-field evidence without a second scorer.
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
        Ok(CandidateExplain {
            id: id.to_string(),
            best_phrasing,
            phrasing_score: gathered.phrasing,
            answer_score: gathered.answer,
            evidence: *evidence,
            matched,
            clauses: scores,
        })
    }
}

/// The candidate that is the only one to have every word of a question that asks
/// nothing or asks how something stands (`メアドも？`,
/// `あったかポイントはどうなりますか`), in its phrasings: the question is fully about
/// that entry, though no phrasing has its question word. `None` when the question
/// asks for anything else (`いくら`, `いつ`), or when another candidate shares one
/// of its words.
fn sole_owner(
    concepts: &[Concept],
    scored: &[Scored],
    counts_for_completeness: impl Fn(&Concept) -> bool,
) -> Option<usize> {
    let (asked, subject): (Vec<usize>, Vec<usize>) = (0..concepts.len())
        .filter(|&i| counts_for_completeness(&concepts[i]))
        .partition(|&i| concepts[i].interrogative);
    let asks_status = asked
        .iter()
        .all(|&i| STATUS_QUESTION_WORDS.contains(&concepts[i].text.as_str()));
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

/// BM25's inverse document frequency of a term found in `df` of `phrasings`
/// phrasing documents: the rarity weight of question concepts and phrasing words.
fn idf(phrasings: f32, df: f32) -> f32 {
    (1.0 + (phrasings - df + 0.5) / (df + 0.5)).ln()
}

/// Document frequency of every term of `field`, summed over segments.
fn term_frequencies(
    searcher: &Searcher,
    field: tantivy::schema::Field,
) -> Result<FxHashMap<String, u64>> {
    let mut frequencies = FxHashMap::default();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(|e| Error::Index(e.to_string()))?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                *frequencies.entry(term.to_string()).or_default() +=
                    u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(frequencies)
}

/// The snippet of `answer` as HTML; the answer's opening when nothing matched.
fn snippet_html(generator: &SnippetGenerator, answer: &str) -> String {
    let mut snippet = generator.snippet(answer);
    if snippet.is_empty() {
        let opening: String = answer.chars().take(SNIPPET_CHARS).collect();
        return escape_html(&opening);
    }
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    snippet.to_html()
}

/// Escapes text for HTML element content and attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Letters and digits of a normalized text, for whole-message small-talk patterns.
fn letters_only(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}
