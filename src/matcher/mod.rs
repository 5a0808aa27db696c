//! Question → [`Reply`]: a pipeline of stages, each a module that takes the
//! previous stage's output.
//!
//! 1. **analysis** (`crate::analysis`): normalized text, morphemes and terms;
//! 2. **concepts** (`concepts.rs`): the question's content words, each merged with
//!    its synonym group and weighed by its rarity in the FAQ;
//! 3. **retrieval** (`retrieval.rs`): a tantivy query over the phrasing and answer
//!    fields, aggregated per entry;
//! 4. **evidence** (`evidence.rs`): coverage, shared concepts, centrality,
//!    completeness and intent facts for the best-ranked entries, fused into the
//!    final ranking;
//! 5. **rules** (`rules/`): an ordered list of named rules; the first that speaks
//!    decides, and when none does kotae answers; when the words' verdict is not to
//!    answer, the semantic model's closeness (`choices.rs`) is read and the rules
//!    asked again (the `paraphrase` rule reads it), and it orders the choices;
//! 6. **calibration** (`calibration.rs`): how likely the reply's first entry is
//!    right, from the generic signals of the stages before (the reply's
//!    confidence);
//! 7. **reply** (`reply.rs`): the answer, the choices or the hotline, and `explain`.
//!
//! The non-obvious choice is what the rules decide on. Raw BM25 grows with the
//! length of the question and with the rarity of a single shared word, so no
//! threshold on it separates "the FAQ answers this" from "this shares one rare word
//! with an answer". The rules read quantities that are comparable across
//! questions: **coverage** (the IDF-weighted share of the question's concepts the
//! entry's vocabulary contains) and **margin** (the best entry's lead over the
//! runner-up, relative to its score).

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use tantivy::Searcher;

use crate::analysis::{Analysis, Analyzer, FieldKind, fold};
use crate::config::{Config, Limits, Thresholds};
use crate::error::{Error, QuestionProblem, Result};
use crate::faq::{Entry, Faq};
use crate::index::{self, FaqIndex};

mod calibration;
mod choices;
mod concepts;
mod evidence;
mod general_synonyms;
mod intent;
mod loanwords;
mod reply;
mod retrieval;
pub mod rules;
mod search;
mod shared_compounds;
mod vocabulary;

pub use calibration::{Calibration, features as calibration_features};
pub use concepts::Concept;
use concepts::ConceptBuilder;
pub use evidence::{Evidence, SemanticSignals, Signals};
use evidence::{QuestionFacts, SimilarityFor};
use reply::Findings;
pub use reply::{Candidate, CandidateExplain, ClauseScore, Explain, Fallback, Reply};
pub use rules::{Decision, Rules, Verdict};
pub use search::Hit;

use crate::near_duplicates::NearDuplicate;
use crate::semantic::{self, EntryVectors};
use crate::synonym_dictionary;
use vocabulary::Vocabulary;

use evidence::CONTEXT_WEIGHT;
/// Weight of an interrogative relative to a content word of the same rarity.
const INTERROGATIVE_WEIGHT: f32 = 0.3;

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

/// Mechanisms that can be switched off, to measure what each is worth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ablation {
    /// Fields not queried.
    pub fields: HashSet<FieldKind>,
    /// No synonym expansion.
    pub no_synonyms: bool,
    /// No compound expansion (parts of the FAQ's compounds, heads of unknown ones).
    pub no_compounds: bool,
    /// The FAQ's shared compounds count part by part, not as one concept each.
    pub no_shared_compounds: bool,
    /// All-kana questions are not respelled through the FAQ's readings.
    pub no_respelling: bool,
    /// Loanwords are not matched across scripts (kana ↔ Latin).
    pub no_loanwords: bool,
    /// The semantic model is not used: choices in the words' order, no
    /// `paraphrase` or `confident` rule.
    pub no_semantic: bool,
    /// The answer text is not queried.
    pub no_answer: bool,
    /// The semantic model compares questions with phrasings and whole answers
    /// only, not with each sentence of an answer.
    pub no_answer_sentences: bool,
    /// Sudachi's synonym dictionary is not read (`--without general-synonyms`).
    pub no_general_synonyms: bool,
    /// The FAQ's alternates are left out of the index.
    pub no_alternates: bool,
    /// Decision rules switched off, by id (`--without rule:<id>`).
    pub rules_off: std::collections::BTreeSet<String>,
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
    rules: Rules,
    phrasings: f32,
    near_duplicates: Vec<NearDuplicate>,
    /// The semantic model's vectors of every entry, when one is installed.
    semantic: Option<EntryVectors>,
    /// The calibrated confidence's weights.
    calibration: Calibration,
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
            &faq.lang,
        )?;
        let index = index::open_or_build(&faq, &analyzer, &config.paths.index)?;
        let semantic = if ablation.no_semantic {
            None
        } else {
            entry_vectors(&faq, config, !ablation.no_answer_sentences)?
        };
        let general = if ablation.no_general_synonyms {
            None
        } else {
            synonym_dictionary::open(
                &config.paths.synonyms,
                &config.paths.dictionary_cache(),
                &analyzer,
            )?
        };
        let mut matcher = Self::new(faq, analyzer, index, config.thresholds, ablation)?;
        matcher.semantic = semantic;
        if let Some(dictionary) = general {
            matcher.concepts.attach_general(&dictionary);
        }
        Ok(matcher)
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
        let question_words = &analyzer.lang().question_words;
        for words in vocabulary.values_mut() {
            words.weigh(|term| {
                let df = doc_freq.get(term).copied().unwrap_or(1).max(1);
                let weight = idf(phrasings as f32, df as f32);
                if question_words.contains(term) {
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
            rules: Rules::without(ablation.rules_off.iter().map(String::as_str))?,
            ablation,
            phrasings: phrasings as f32,
            near_duplicates,
            semantic: None,
            calibration: Calibration::standard()?,
        })
    }

    /// Whether the semantic model orders the choices (for `/readyz`).
    pub fn has_semantic(&self) -> bool {
        self.semantic.is_some()
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

    /// Answers a question: the stages in order.
    pub fn ask(&self, question: &Question) -> Result<Reply> {
        let analysis = if question.explain {
            self.analyzer.analyze_all(&question.text)?
        } else {
            self.analyzer.analyze(&question.text)?
        };
        if let Some(reply) = self.smalltalk(&analysis) {
            return Ok(self.smalltalk_reply(question, &analysis, reply));
        }
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts, false);
        let ranked = self.retrieve(&retrieval::query(&clauses))?;
        let facts = QuestionFacts::of(self, &analysis, &concepts);
        let similarity = SimilarityFor {
            all: question.explain,
            best: question.signals,
        };
        let assessed = self.assess(&facts, &concepts, &ranked, similarity, &self.rules);
        let case = assessed.case(&self.thresholds);
        let verdict = match &case {
            Some(case) => self.rules.decide(case),
            None => Rules::nothing_matched(),
        };
        let asked = choices::ModelQuestion {
            question,
            concepts: &concepts,
        };
        let semantic = self.semantic_stage(&asked, case, verdict, &ranked, &assessed, &facts);
        let findings = Findings {
            analysis,
            concepts,
            clauses,
            ranked,
            facts,
            assessed,
            choices: semantic.choices,
            semantic: semantic.signals,
        };
        self.reply(question, findings, semantic.verdict)
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
                let interrogative = self.analyzer.lang().question_words.contains(&draft.text);
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
}

/// FAQs with more entries than this are served without the semantic model:
/// embedding them all would keep a first start busy for minutes.
const MAX_SEMANTIC_ENTRIES: usize = 2_000;

/// The semantic model's vectors of the FAQ's entries, if a model is installed
/// (cached in the dictionary cache directory).
fn entry_vectors(faq: &Faq, config: &Config, sentences: bool) -> Result<Option<EntryVectors>> {
    let dir = &config.paths.semantic;
    let Some(engine) = semantic::open(dir)? else {
        if dir.as_os_str() != semantic::OFF {
            tracing::warn!(dir = %dir.display(), "no semantic model installed (bash scripts/install-semantic.sh); choices ordered by words alone");
        }
        return Ok(None);
    };
    if faq.entries.len() > MAX_SEMANTIC_ENTRIES {
        tracing::warn!(
            entries = faq.entries.len(),
            limit = MAX_SEMANTIC_ENTRIES,
            "FAQ too large for the semantic model; choices ordered by words"
        );
        return Ok(None);
    }
    let cache = config.paths.dictionary_cache();
    let vectors = EntryVectors::build(engine, faq, &cache, sentences)?;
    tracing::info!(dir = %dir.display(), "semantic model loaded; it orders the choices");
    Ok(Some(vectors))
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

/// Letters and digits of a normalized text, for whole-message small-talk patterns.
fn letters_only(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}
