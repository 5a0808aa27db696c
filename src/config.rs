//! Validated settings: where things live, request limits, and the matcher's
//! decision thresholds with their documented defaults.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::dictionary::DEFAULT_IPADIC_SRC;
use crate::error::{Error, Result};

/// Where kotae reads and writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paths {
    /// The FAQ directory.
    pub faq: PathBuf,
    /// Root of the index generations (and, by default, the compiled dictionary).
    pub index: PathBuf,
    /// IPADIC source CSVs (Debian's `mecab-ipadic`).
    pub ipadic_src: PathBuf,
    /// Compiled dictionary cache; `None` means `<index>/dictionary`.
    pub dict_dir: Option<PathBuf>,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            faq: PathBuf::from("faq"),
            index: PathBuf::from("index"),
            ipadic_src: PathBuf::from(DEFAULT_IPADIC_SRC),
            dict_dir: None,
        }
    }
}

impl Paths {
    /// The compiled dictionary cache directory.
    pub fn dictionary_cache(&self) -> PathBuf {
        self.dict_dir
            .clone()
            .unwrap_or_else(|| self.index.join("dictionary"))
    }
}

/// Limits on what a request may ask.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Longest question accepted, in characters.
    pub max_question_chars: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Candidates returned when the request does not say.
    pub default_top_k: usize,
    /// Most candidates a request may ask for.
    pub max_top_k: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_question_chars: 1000,
            max_body_bytes: 16 * 1024,
            default_top_k: 3,
            max_top_k: 10,
        }
    }
}

/// The matcher's decision thresholds. See the README ("How kotae decides") for how
/// the defaults were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Least confidence for `answer`.
    pub answer_confidence: f32,
    /// Least number of distinct question concepts the answered entry must share.
    pub answer_min_concepts: usize,
    /// Least coverage of the question for an entry to be offered in `clarify`.
    pub clarify_coverage: f32,
    /// Weight of a question word the FAQ never uses, relative to the rarest FAQ word.
    pub unknown_word_weight: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            answer_confidence: 0.5,
            answer_min_concepts: 2,
            clarify_coverage: 0.3,
            unknown_word_weight: 0.6,
        }
    }
}

impl Thresholds {
    /// Checks that every threshold is in its range.
    pub fn validate(&self) -> Result<()> {
        let unit = |name: &str, value: f32| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(Error::Config(format!(
                    "{name} must be in [0, 1], got {value}"
                )))
            }
        };
        unit("answer_confidence", self.answer_confidence)?;
        unit("clarify_coverage", self.clarify_coverage)?;
        if !(0.0..=2.0).contains(&self.unknown_word_weight) {
            return Err(Error::Config(format!(
                "unknown_word_weight must be in [0, 2], got {}",
                self.unknown_word_weight
            )));
        }
        Ok(())
    }
}

/// Everything the library needs to build a matcher.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Paths.
    pub paths: Paths,
    /// Request limits.
    pub limits: Limits,
    /// Decision thresholds.
    pub thresholds: Thresholds,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Thresholds::default().validate().unwrap();
    }

    #[test]
    fn out_of_range_thresholds_are_rejected() {
        let bad = Thresholds {
            answer_confidence: 1.5,
            ..Thresholds::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("answer_confidence")
        );
    }

    #[test]
    fn the_dictionary_lives_under_the_index_unless_told_otherwise() {
        let paths = Paths::default();
        assert_eq!(paths.dictionary_cache(), PathBuf::from("index/dictionary"));
        let moved = Paths {
            dict_dir: Some(PathBuf::from("/tmp/d")),
            ..Paths::default()
        };
        assert_eq!(moved.dictionary_cache(), PathBuf::from("/tmp/d"));
    }
}
