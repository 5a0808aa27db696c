//! The retrieval stage: the question's concepts become a tantivy `BooleanQuery`
//! over the phrasing fields and the answer field, and the documents it finds are
//! aggregated per FAQ entry (best phrasing + a share of the answer's score).

use std::collections::HashSet;

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Term as IndexTerm};

use rustc_hash::FxHashMap;

use super::concepts::Concept;
use super::{Matcher, vocabulary};
use crate::analysis::{self, Analysis, FieldKind};
use crate::error::Result;
use crate::index;

/// Relative weight of each field in the retrieval query.
const BOOST_TERMS: f32 = 1.0;
const BOOST_READING: f32 = 0.6;
const BOOST_KANA: f32 = 0.15;
const BOOST_CHAR: f32 = 0.1;
const BOOST_ANSWER: f32 = 0.3;
/// Share of an entry's answer-document score added to its best phrasing score.
const ANSWER_SHARE: f32 = 0.5;
/// Documents retrieved before aggregation into entries.
pub(super) const RETRIEVE: usize = 100;

/// One labelled clause of the retrieval query.
pub(super) struct Clause {
    pub field: &'static str,
    pub text: String,
    pub query: Box<dyn Query>,
}

/// Per-entry scores gathered from retrieved documents.
#[derive(Debug, Default, Clone)]
pub(super) struct Gathered {
    pub phrasing: f32,
    pub phrasing_doc: Option<DocAddress>,
    pub answer: f32,
    pub answer_doc: Option<DocAddress>,
}

/// An entry the query found, with its aggregated BM25 score.
pub(super) struct Retrieved {
    pub id: String,
    pub gathered: Gathered,
    pub bm25: f32,
}

/// A scoring query for one term in `field`.
fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(
            IndexTerm::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        )),
        boost,
    ))
}

/// The query of all clauses, any of which may match.
pub(super) fn query(clauses: &[Clause]) -> BooleanQuery {
    BooleanQuery::new(
        clauses
            .iter()
            .map(|c| (Occur::Should, c.query.box_clone()))
            .collect(),
    )
}

impl Matcher {
    /// The retrieval query's clauses, each labelled with its field and text.
    ///
    /// `all_answers`: query the answer field for every concept (staff search, where
    /// matches in the answer text matter), not only for words no phrasing uses.
    pub(super) fn clauses(
        &self,
        analysis: &Analysis,
        concepts: &[Concept],
        all_answers: bool,
    ) -> Vec<Clause> {
        let mut clauses = Vec::new();
        for concept in concepts {
            self.concept_clauses(concept, all_answers, &mut clauses);
        }
        self.gram_clauses(analysis, concepts, &mut clauses);
        clauses
    }

    fn enabled(&self, kind: FieldKind) -> bool {
        !self.ablation.fields.contains(&kind)
    }

    /// A synonym group scores as its best member, never as the sum of members.
    /// Members the field does not contain are left out: they cannot match, and
    /// each costs a term lookup.
    fn any_of(&self, field: Field, alternatives: &[Vec<String>], boost: f32) -> Box<dyn Query> {
        // The field's own vocabulary: phrasing terms for phrasing fields, answer
        // terms for the answer field.
        let in_answer = field == self.index.fields.answer;
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
        let mut options: Vec<Box<dyn Query>> = kept
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
        match options.len() {
            1 => options.remove(0),
            _ => Box::new(DisjunctionMaxQuery::new(options)),
        }
    }

    /// The clauses of one concept: its words, its known head, its answer-text
    /// fallback and its reading.
    fn concept_clauses(&self, concept: &Concept, all_answers: bool, clauses: &mut Vec<Clause>) {
        let fields = &self.index.fields;
        if self.enabled(FieldKind::Terms) {
            let terms = fields.phrasing(FieldKind::Terms);
            clauses.push(Clause {
                field: index::PHRASING[0],
                text: concept.text.clone(),
                query: self.any_of(terms, &concept.alternatives, BOOST_TERMS),
            });
            if !concept.heads.is_empty() {
                clauses.push(Clause {
                    field: index::PHRASING[0],
                    text: format!("{} (head)", concept.text),
                    query: self.any_of(
                        terms,
                        &concept.heads,
                        BOOST_TERMS * vocabulary::CREDIT_HEAD,
                    ),
                });
            }
        }
        // The answer text is searched for words no phrasing uses: where a phrasing
        // has the word, it already brings the entry in, and the answer's share of
        // the evidence counts in coverage anyway.
        let in_phrasings = concept
            .alternatives
            .iter()
            .any(|alt| alt.iter().all(|t| self.doc_freq.contains_key(t)));
        if !self.ablation.no_answer && (all_answers || !in_phrasings) {
            clauses.push(Clause {
                field: index::ANSWER,
                text: concept.text.clone(),
                query: self.any_of(fields.answer, &concept.alternatives, BOOST_ANSWER),
            });
        }
        if self.enabled(FieldKind::Reading) && !concept.reading.is_empty() {
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

    /// Bigrams are fallbacks: of the whole reading only for all-hiragana questions
    /// (whose segmentation is unreliable), of the surface only for words the FAQ
    /// never uses (typos, unknown words). Elsewhere they add noise.
    fn gram_clauses(&self, analysis: &Analysis, concepts: &[Concept], clauses: &mut Vec<Clause>) {
        let fields = &self.index.fields;
        if self.enabled(FieldKind::KanaGram) && analysis::is_kana_heavy(&analysis.normalized) {
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
        if self.enabled(FieldKind::CharGram) {
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
    }

    pub(super) fn retrieve(&self, query: &BooleanQuery) -> Result<Vec<Retrieved>> {
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
        let mut ranked: Vec<Retrieved> = order
            .into_iter()
            .filter_map(|ordinal| {
                let g = gathered.remove(&ordinal)?;
                let id = self.faq.entries.get(ordinal)?.id.clone();
                let score = g.phrasing + ANSWER_SHARE * g.answer;
                Some(Retrieved {
                    id,
                    gathered: g,
                    bm25: score,
                })
            })
            .collect();
        ranked.sort_by(|a, b| b.bm25.total_cmp(&a.bm25));
        Ok(ranked)
    }
}
