//! The tantivy adapter: a [`tantivy::tokenizer::Tokenizer`] per field kind over the
//! shared [`Analyzer`], registered in one function used by index build and open.
//!
//! Cloning a tokenizer clones an `Arc`, never the dictionary. Analysis errors cannot
//! be returned through tantivy's tokenizer API, so `index::build` analyzes every text
//! with [`Analyzer::terms`] first and refuses to build on error; the adapter never
//! sees a text that failed.

use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{Analyzer, FieldKind};

/// A tantivy tokenizer producing one field kind's terms.
#[derive(Clone)]
pub struct JaTokenizer {
    analyzer: Analyzer,
    kind: FieldKind,
}

impl JaTokenizer {
    /// A tokenizer for `kind` over `analyzer`.
    pub fn new(analyzer: Analyzer, kind: FieldKind) -> Self {
        JaTokenizer { analyzer, kind }
    }
}

/// The tokens of one text, produced up front and handed to tantivy one at a time.
pub struct JaTokenStream {
    /// Remaining tokens, last one first.
    pending: Vec<Token>,
    current: Token,
}

impl Tokenizer for JaTokenizer {
    type TokenStream<'a> = JaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JaTokenStream {
        let terms = self.analyzer.terms(text, self.kind).unwrap_or_default();
        let pending = terms
            .into_iter()
            .enumerate()
            .map(|(position, term)| Token {
                offset_from: term.start,
                offset_to: term.end,
                position,
                text: term.text,
                position_length: 1,
            })
            .rev()
            .collect();
        JaTokenStream {
            pending,
            current: Token::default(),
        }
    }
}

impl TokenStream for JaTokenStream {
    fn advance(&mut self) -> bool {
        match self.pending.pop() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Registers one tokenizer per [`FieldKind`] on `index`, under
/// [`FieldKind::tokenizer_name`].
pub fn register(index: &Index, analyzer: &Analyzer) {
    for kind in FieldKind::ALL {
        index.tokenizers().register(
            kind.tokenizer_name(),
            JaTokenizer::new(analyzer.clone(), kind),
        );
    }
}
