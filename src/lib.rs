//! kotae (答え, "answer"): finds the official FAQ answer to a free-text Japanese
//! question, says how sure it is, and points to the human hotline when it is not.
//!
//! Data flows one way: FAQ files ([`faq`]) → analysis ([`analysis`], over the
//! [`dictionary`]) → index ([`index`]) → matcher ([`matcher`]) → API ([`server`])
//! and CLI ([`cli`]). tantivy and lindera types stop at `index` and `matcher`.

#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod config;
pub mod dictionary;
pub mod error;
pub mod eval;
pub mod faq;
pub mod index;
pub mod matcher;
pub mod server;

pub use error::{Error, Result};
