//! The library's one error type.
//!
//! Every message is written for the person who has to fix the problem: it names
//! the file, the entry or the flag involved. The HTTP layer maps these variants to
//! statuses in one place (`server::error`); the CLI prints them once and exits 2.

use std::path::PathBuf;

/// Everything that can go wrong in kotae's library code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The IPADIC source CSVs are not where we looked.
    #[error(
        "IPADIC dictionary source not found at {0}: install it with `apt-get install -y mecab-ipadic`, \
         or point --ipadic-src (env KOTAE_IPADIC_SRC) at a directory holding matrix.def and the CSV files"
    )]
    NoIpadic(PathBuf),

    /// Compiling or loading the dictionary failed for a reason other than a missing source.
    #[error("dictionary at {path}: {message}")]
    Dictionary {
        /// The directory being compiled or loaded.
        path: PathBuf,
        /// What lindera reported.
        message: String,
    },

    /// The semantic model is installed but cannot be loaded.
    #[error(
        "semantic model at {path}: {message} (reinstall it with `bash scripts/install-semantic.sh`, \
         or point --semantic-dir (env KOTAE_SEMANTIC_DIR) at another install)"
    )]
    Semantic {
        /// The install directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },

    /// The FAQ content is invalid; nothing is served from it.
    #[error("invalid FAQ content:\n  {}", .0.join("\n  "))]
    InvalidFaq(Vec<String>),

    /// An I/O operation on a named path failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// Morphological analysis of a text failed.
    #[error("analysis failed: {0}")]
    Analysis(String),

    /// The search index could not be built, opened or queried.
    #[error("index: {0}")]
    Index(String),

    /// A question that cannot be asked (empty, too long).
    #[error("{0}")]
    InvalidQuestion(QuestionProblem),

    /// An evaluation file line that is not valid.
    #[error("{path}:{line}: {message}")]
    EvalFile {
        /// The evaluation file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },

    /// The feedback store failed.
    #[error("store: {0}")]
    Store(String),

    /// A configuration value out of its allowed range.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Why a question was refused before matching; each has a stable API code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuestionProblem {
    /// Empty or whitespace-only.
    #[error("the question is empty")]
    Empty,
    /// Longer than the configured limit (in characters).
    #[error("the question is longer than {0} characters")]
    TooLong(usize),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        Error::Index(err.to_string())
    }
}

/// Result alias used across the library.
pub type Result<T> = std::result::Result<T, Error>;
