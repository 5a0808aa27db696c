//! Staff search and the widget's suggestions: retrieval without a decision.

use tantivy::Term as IndexTerm;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;

use serde::Serialize;

use super::Matcher;
use super::concepts::Concept;
use super::retrieval::query;
use crate::error::Result;
use crate::faq::Entry;

/// Longest answer excerpt shown by staff search, in characters.
const SNIPPET_CHARS: usize = 120;

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

impl Matcher {
    /// Official questions that match what a member has typed so far (a fragment
    /// like `クレジ` included), best first: the widget's suggestions. No decision,
    /// no snippets, so it is cheap enough for every keystroke.
    pub fn suggest(&self, text: &str, limit: usize) -> Result<Vec<(String, String)>> {
        let analysis = self.analyzer.analyze(text)?;
        let concepts = self.concepts(&analysis)?;
        let clauses = self.clauses(&analysis, &concepts, true);
        let mut suggestions = Vec::new();
        for found in self.retrieve(&query(&clauses))?.into_iter().take(limit) {
            let question = self.entry(&found.id)?.question.clone();
            suggestions.push((found.id, question));
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
        for found in self.retrieve(&query(&clauses))? {
            let entry = self.entry(&found.id)?;
            if category.is_some_and(|c| c != entry.category) {
                continue;
            }
            hits.push(Hit {
                snippet: snippet_html(&snippets, &entry.answer),
                entry: entry.clone(),
                score: found.bm25,
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
