//! kotae (答え, "answer"): finds the official FAQ answer to a free-text Japanese
//! question, says how sure it is, and points to the human hotline when it is not.
//!
//! Data flows one way: FAQ files ([`faq`]) → analysis ([`analysis`], over the
//! [`dictionary`]) → index ([`index`]) → matcher ([`matcher`]) → API ([`server`])
//! and CLI ([`cli`]). tantivy and lindera types stop at `index` and `matcher`; the
//! optional [`semantic`] model orders the choices offered when kotae is not sure.

#![warn(missing_docs)]

pub mod analysis;
pub mod checksum;
pub mod cli;
pub mod config;
pub mod dictionary;
pub mod editor;
pub mod error;
pub mod eval;
pub mod faq;
pub mod index;
pub mod lang;
pub mod matcher;
pub mod near_duplicates;
pub mod redact;
pub mod review;
pub mod semantic;
pub mod server;
pub mod store;
pub mod synonym_dictionary;
pub mod tabular;
pub mod whole_file;

pub use error::{Error, Result};

/// Shared fixtures for unit tests: one compiled dictionary for the whole run.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use crate::analysis::Analyzer;

    /// The dictionary cache shared by all unit tests of this checkout.
    pub fn dictionary_cache() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-dictionary")
    }

    /// An analyzer with the shipped user dictionary, built once.
    pub fn analyzer() -> Analyzer {
        static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
        ANALYZER
            .get_or_init(|| {
                let faq = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
                let userdict = std::fs::read_to_string(faq.join("userdict.csv")).unwrap();
                Analyzer::load(
                    Path::new(crate::dictionary::DEFAULT_IPADIC_SRC),
                    &dictionary_cache(),
                    Some((&userdict, &faq.join("userdict.csv"))),
                    Default::default(),
                    &crate::faq::Faq::load(&faq).unwrap().lang,
                )
                .unwrap()
            })
            .clone()
    }
}
