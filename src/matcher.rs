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
//! `confidence = coverage × (0.5 + 0.5 × margin)`; see [`Decision`] for the rules.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term as IndexTerm};

use crate::analysis::{Analysis, Analyzer, FieldKind, fold};
use crate::config::{Config, Limits, Thresholds};
use crate::error::{Error, QuestionProblem, Result};
use crate::faq::{Entry, Faq};
use crate::index::{self, FaqIndex};

/// Relative weight of each field in the retrieval query.
const BOOST_TERMS: f32 = 1.0;
const BOOST_READING: f32 = 0.6;
const BOOST_KANA: f32 = 0.15;
const BOOST_CHAR: f32 = 0.1;
const BOOST_ANSWER: f32 = 0.3;
/// Share of an entry's answer-document score added to its best phrasing score.
const ANSWER_SHARE: f32 = 0.5;
/// Interrogatives: they help rank (`なぜ` leans to the entry on delay) but say
/// nothing about whether the FAQ covers the topic, so they weigh nothing in coverage.
const QUESTION_WORDS: &[&str] = &[
    "どう",
    "なぜ",
    "何故",
    "どうして",
    "いつ",
    "どこ",
    "何",
    "なに",
    "なん",
    "どれ",
    "どの",
    "どんな",
    "いくら",
    "誰",
    "だれ",
    "どういう",
    "どうやって",
    "どのよう",
    "どちら",
    "いかが",
];

/// Documents retrieved before aggregation into entries.
const RETRIEVE: usize = 200;

/// What kotae does with a question.
///
/// Invariant: `Answer` is only decided when the entry shares at least
/// `answer_min_concepts` distinct concepts with the question (a single shared rare
/// word never suffices) and the confidence reaches `answer_confidence`.
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

/// A validated question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    text: String,
    top_k: usize,
    explain: bool,
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
        })
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
    /// Why, when asked for.
    pub explain: Option<Explain>,
}

/// One concept of the question: a content word and its synonyms.
#[derive(Debug, Clone, Serialize)]
pub struct Concept {
    /// The words as they appear in the question (analyzed).
    pub text: String,
    /// Its hiragana reading.
    pub reading: String,
    /// Term sequences that count as this concept (the word and its synonyms).
    pub alternatives: Vec<Vec<String>>,
    /// Weight in coverage (inverse document frequency).
    pub weight: f32,
    /// Whether any FAQ phrasing uses it.
    pub known: bool,
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
    /// Coverage of the question.
    pub coverage: f32,
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
}

/// Mechanisms that can be switched off, to measure what each is worth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ablation {
    /// Fields not queried.
    pub fields: HashSet<FieldKind>,
    /// No synonym expansion.
    pub no_synonyms: bool,
    /// The answer text is not queried.
    pub no_answer: bool,
}

/// Vocabulary of one entry, for coverage.
#[derive(Debug, Default)]
struct Vocabulary {
    terms: HashSet<String>,
    readings: HashSet<String>,
}

/// A synonym group member, analyzed.
struct SynonymMember {
    terms: Vec<String>,
    group: usize,
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
    vocabulary: HashMap<String, Vocabulary>,
    synonyms: Vec<SynonymMember>,
    groups: Vec<Vec<Vec<String>>>,
    smalltalk: Vec<SmallTalkGroup>,
    thresholds: Thresholds,
    ablation: Ablation,
    phrasings: f32,
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
        let mut vocabulary = HashMap::new();
        let mut phrasings = 0usize;
        for entry in &faq.entries {
            let mut vocab = Vocabulary::default();
            let texts = std::iter::once(&entry.question)
                .chain(&entry.alternates)
                .chain(std::iter::once(&entry.answer));
            for text in texts {
                let analysis = analyzer.analyze(text)?;
                vocab
                    .terms
                    .extend(analysis.terms.into_iter().map(|t| t.text));
                vocab
                    .readings
                    .extend(analysis.readings.into_iter().map(|t| t.text));
            }
            phrasings += 1 + entry.alternates.len();
            vocabulary.insert(entry.id.clone(), vocab);
        }
        let mut synonyms = Vec::new();
        let mut groups = Vec::new();
        for (group, members) in faq.synonyms.iter().enumerate() {
            let mut analyzed = Vec::new();
            for member in members {
                let terms: Vec<String> = analyzer
                    .terms(member, FieldKind::Terms)?
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                if !terms.is_empty() {
                    synonyms.push(SynonymMember {
                        terms: terms.clone(),
                        group,
                    });
                    analyzed.push(terms);
                }
            }
            groups.push(analyzed);
        }
        // Longest members first, so `個人情報` wins over `情報`.
        synonyms.sort_by_key(|m| std::cmp::Reverse(m.terms.len()));
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
        Ok(Matcher {
            faq: Arc::new(faq),
            analyzer,
            searcher,
            index,
            vocabulary,
            synonyms,
            groups,
            smalltalk,
            thresholds,
            ablation,
            phrasings: phrasings as f32,
        })
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
        let analysis = self.analyzer.analyze(&question.text)?;
        if let Some(reply) = self.smalltalk(&analysis) {
            return Ok(Reply {
                decision: Decision::Smalltalk,
                confidence: 1.0,
                answer: None,
                candidates: Vec::new(),
                fallback: None,
                message: Some(reply),
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
        let clauses = self.clauses(&analysis, &concepts);
        let ranked = self.retrieve(&Self::query(&clauses))?;

        let total_weight: f32 = concepts.iter().map(|c| c.weight).sum();
        let mut candidates = Vec::new();
        let mut explained = Vec::new();
        for (id, gathered, score) in ranked.iter().take(question.top_k.max(2)) {
            let matched = self.matched(id, &concepts);
            let matched_weight: f32 = matched.iter().map(|&i| concepts[i].weight).sum();
            let coverage = if total_weight > 0.0 {
                (matched_weight / total_weight).min(1.0)
            } else {
                0.0
            };
            let entry = self.entry(id)?;
            candidates.push((
                Candidate {
                    id: id.clone(),
                    question: entry.question.clone(),
                    score: *score,
                    coverage,
                },
                matched.len(),
            ));
            if question.explain {
                explained.push(self.explain_candidate(
                    id,
                    gathered,
                    coverage,
                    matched.iter().map(|&i| concepts[i].text.clone()).collect(),
                    &clauses,
                )?);
            }
        }

        let (decision, confidence, reason) = self.decide(&candidates);
        let answer = match decision {
            Decision::Answer => candidates
                .first()
                .map(|(c, _)| self.entry(&c.id).cloned())
                .transpose()?,
            _ => None,
        };
        let clarify_coverage = self.thresholds.clarify_coverage;
        let mut candidates: Vec<Candidate> = candidates
            .into_iter()
            .map(|(c, _)| c)
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
            explain: question.explain.then_some(Explain {
                analysis,
                concepts,
                candidates: explained,
                thresholds: self.thresholds,
                reason,
            }),
        })
    }

    /// Ranks entries for staff search; no decision, no thresholds.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<Hit>> {
        let analysis = self.analyzer.analyze(text)?;
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts);
        self.retrieve(&Self::query(&clauses))?
            .into_iter()
            .take(limit)
            .map(|(id, _, score)| {
                Ok(Hit {
                    entry: self.entry(&id)?.clone(),
                    score,
                })
            })
            .collect()
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

    /// The question's concepts: its content words, with synonym groups merged.
    fn concepts(&self, analysis: &Analysis) -> Result<Vec<Concept>> {
        let terms: Vec<&str> = analysis.terms.iter().map(|t| t.text.as_str()).collect();
        let mut concepts: Vec<Concept> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut i = 0;
        while i < terms.len() {
            let member = if self.ablation.no_synonyms {
                None
            } else {
                self.synonyms.iter().find(|m| {
                    terms[i..].starts_with(&m.terms.iter().map(String::as_str).collect::<Vec<_>>())
                })
            };
            let (len, alternatives) = match member {
                Some(member) => (member.terms.len(), self.groups[member.group].clone()),
                None => (1, vec![vec![terms[i].to_string()]]),
            };
            let text = terms[i..i + len].concat();
            let reading = analysis.readings[i..i + len]
                .iter()
                .map(|t| t.text.as_str())
                .collect::<String>();
            i += len;
            if !seen.insert(text.clone()) {
                continue;
            }
            let (weight, known) = if QUESTION_WORDS.contains(&text.as_str()) {
                (0.0, true)
            } else {
                self.weight(&alternatives)?
            };
            concepts.push(Concept {
                text,
                reading,
                alternatives,
                weight,
                known,
            });
        }
        Ok(concepts)
    }

    /// IDF of the best-known alternative over phrasing documents.
    fn weight(&self, alternatives: &[Vec<String>]) -> Result<(f32, bool)> {
        let field = self.index.fields.phrasing(FieldKind::Terms);
        let mut best_df: Option<u64> = None;
        for alternative in alternatives {
            let mut df_min = u64::MAX;
            for term in alternative {
                let df = self
                    .searcher
                    .doc_freq(&IndexTerm::from_field_text(field, term))?;
                df_min = df_min.min(df);
            }
            if df_min > 0 && df_min != u64::MAX {
                best_df = Some(best_df.map_or(df_min, |b: u64| b.max(df_min)));
            }
        }
        let idf = |df: f32| (1.0 + (self.phrasings - df + 0.5) / (df + 0.5)).ln();
        Ok(match best_df {
            Some(df) => (idf(df as f32), true),
            None => (idf(1.0) * self.thresholds.unknown_word_weight, false),
        })
    }

    /// Indices of the concepts that entry `id`'s vocabulary contains.
    fn matched(&self, id: &str, concepts: &[Concept]) -> Vec<usize> {
        let Some(vocab) = self.vocabulary.get(id) else {
            return Vec::new();
        };
        concepts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.weight > 0.0)
            .filter(|(_, c)| {
                c.alternatives
                    .iter()
                    .any(|alt| alt.iter().all(|t| vocab.terms.contains(t)))
                    || (!self.ablation.fields.contains(&FieldKind::Reading)
                        && !c.reading.is_empty()
                        && vocab.readings.contains(&c.reading))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The retrieval query's clauses, each labelled with its field and text.
    fn clauses(&self, analysis: &Analysis, concepts: &[Concept]) -> Vec<Clause> {
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
        let any_of = |field, alternatives: &[Vec<String>], boost: f32| -> Box<dyn Query> {
            let options: Vec<Box<dyn Query>> = alternatives
                .iter()
                .map(|alternative| match alternative.as_slice() {
                    [single] => term(field, single, boost),
                    many => Box::new(BooleanQuery::new(
                        many.iter()
                            .map(|t| (Occur::Should, term(field, t, boost)))
                            .collect(),
                    )) as Box<dyn Query>,
                })
                .collect();
            if options.len() == 1 {
                options
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| term(field, "", boost))
            } else {
                Box::new(DisjunctionMaxQuery::new(options))
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
            }
            if !self.ablation.no_answer {
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
        let grams = [
            (
                FieldKind::KanaGram,
                &analysis.kana_grams,
                BOOST_KANA,
                index::PHRASING[2],
            ),
            (
                FieldKind::CharGram,
                &analysis.char_grams,
                BOOST_CHAR,
                index::PHRASING[3],
            ),
        ];
        for (kind, terms, boost, name) in grams {
            if !enabled(kind) {
                continue;
            }
            let mut seen = HashSet::new();
            for gram in terms.iter().filter(|t| seen.insert(t.text.as_str())) {
                clauses.push(Clause {
                    field: name,
                    text: gram.text.clone(),
                    query: term(fields.phrasing(kind), &gram.text, boost),
                });
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
        let fields = &self.index.fields;
        let mut gathered: HashMap<String, Gathered> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = self.searcher.doc(address)?;
            let Some(id) = doc.get_first(fields.id).and_then(|v| v.as_str()) else {
                continue;
            };
            let is_answer = doc.get_first(fields.answer).is_some();
            let slot = gathered.entry(id.to_string()).or_insert_with(|| {
                order.push(id.to_string());
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
            .filter_map(|id| {
                let g = gathered.remove(&id)?;
                let score = g.phrasing + ANSWER_SHARE * g.answer;
                Some((id, g, score))
            })
            .collect();
        ranked.sort_by(|a, b| b.2.total_cmp(&a.2));
        Ok(ranked)
    }

    /// Decision, confidence and the reason in words.
    fn decide(&self, candidates: &[(Candidate, usize)]) -> (Decision, f32, String) {
        let t = &self.thresholds;
        let Some((best, matched)) = candidates.first() else {
            return (
                Decision::Fallback,
                0.0,
                "no FAQ entry shares a word with the question".into(),
            );
        };
        let runner_up = candidates.get(1).map(|(c, _)| c.score).unwrap_or(0.0);
        let margin = if best.score > 0.0 {
            ((best.score - runner_up) / best.score).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // `+ 0.0` turns a negative zero into zero.
        let confidence = (best.coverage * (0.5 + 0.5 * margin)).clamp(0.0, 1.0) + 0.0;
        let facts = format!(
            "best {:?}: coverage {:.2}, margin {:.2}, {} shared concepts, confidence {:.2}",
            best.id, best.coverage, margin, matched, confidence
        );
        if best.coverage < t.clarify_coverage || *matched == 0 {
            (
                Decision::Fallback,
                confidence,
                format!(
                    "{facts}; coverage below clarify_coverage {:.2}",
                    t.clarify_coverage
                ),
            )
        } else if confidence >= t.answer_confidence && *matched >= t.answer_min_concepts {
            (
                Decision::Answer,
                confidence,
                format!("{facts}; clear best match"),
            )
        } else if *matched < t.answer_min_concepts {
            (
                Decision::Clarify,
                confidence,
                format!(
                    "{facts}; fewer than {} shared concepts",
                    t.answer_min_concepts
                ),
            )
        } else {
            (
                Decision::Clarify,
                confidence,
                format!(
                    "{facts}; confidence below answer_confidence {:.2}",
                    t.answer_confidence
                ),
            )
        }
    }

    fn explain_candidate(
        &self,
        id: &str,
        gathered: &Gathered,
        coverage: f32,
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
            coverage,
            matched,
            clauses: scores,
        })
    }
}

/// Letters and digits of a normalized text, for whole-message small-talk patterns.
fn letters_only(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}
