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
    /// Compiled dictionary cache (and the semantic model's vectors of the FAQ);
    /// `None` means `<index>/dictionary`.
    pub dict_dir: Option<PathBuf>,
    /// The semantic model's install directory; kotae runs without one there.
    pub semantic: PathBuf,
    /// Sudachi's synonym dictionary's install directory; kotae runs without one
    /// there.
    pub synonyms: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            faq: PathBuf::from("faq"),
            index: PathBuf::from("index"),
            ipadic_src: PathBuf::from(DEFAULT_IPADIC_SRC),
            dict_dir: None,
            semantic: PathBuf::from(crate::semantic::DEFAULT_SEMANTIC_DIR),
            synonyms: PathBuf::from(crate::synonym_dictionary::DEFAULT_SYNONYMS_DIR),
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
#[serde(deny_unknown_fields)]
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
    /// Least strength of the words' evidence for `answer` (`rules::strength`).
    pub answer_confidence: f32,
    /// Least number of distinct question concepts the answered entry must share.
    pub answer_min_concepts: usize,
    /// Least coverage of the question for an entry to be offered in `clarify`.
    pub clarify_coverage: f32,
    /// Weight of a question word the FAQ never uses, relative to the rarest FAQ word.
    pub unknown_word_weight: f32,
    /// Lead of the words' best entry over plain semantic closeness in the order of
    /// the choices, per unit of its coverage (halved for the second, a third for
    /// the third).
    pub semantic_lead: f32,
    /// Least calibrated confidence at which a question the words find topical but
    /// thin is answered, when the semantic model orders the same entry first.
    pub confident_answer: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            answer_confidence: 0.26,
            answer_min_concepts: 2,
            clarify_coverage: 0.3,
            unknown_word_weight: 0.6,
            semantic_lead: 0.03,
            confident_answer: 0.85,
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
        unit("semantic_lead", self.semantic_lead)?;
        unit("confident_answer", self.confident_answer)?;
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

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Settings of `kotae serve`, beyond the matcher's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerConfig {
    /// Address to listen on.
    pub addr: std::net::SocketAddr,
    /// Directory of the feedback and review database.
    pub data: PathBuf,
    /// A shared PostgreSQL database (`postgres://…`) used instead of the SQLite
    /// file in `data`.
    pub database: Option<String>,
    /// Origins whose pages may call the API from a browser.
    pub allow_origins: Vec<String>,
    /// Bearer token for `/admin/*`; `None` disables the admin routes.
    pub admin_token: Option<String>,
    /// A request (body included) taking longer is answered 408.
    pub request_timeout_ms: u64,
    /// Requests handled at once; more are answered 503 at once.
    pub max_concurrency: usize,
    /// Sustained requests per second allowed from one client address; 0 disables.
    pub rate_limit_per_second: u64,
    /// Requests one client may send in a burst above the sustained rate.
    pub rate_limit_burst: u32,
    /// Reload when the FAQ directory changes.
    pub watch: bool,
    /// Log line format.
    pub log_format: LogFormat,
    /// Key rate limits on the client address a trusted proxy puts in
    /// `X-Forwarded-For` (its last entry) or `X-Real-IP`; off, the peer address.
    pub trust_proxy: bool,
    /// Open connections at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// A connection that sends no complete request head for this long (a new
    /// connection, or an idle keep-alive one) is closed.
    pub header_timeout_ms: u64,
    /// Requests one client address may have in flight at once; more are 429.
    pub per_client_concurrency: usize,
    /// Feedback and unanswered questions older than this many days are deleted;
    /// 0 keeps them until deleted by hand.
    pub retention_days: u32,
    /// FAQ editors who may use the review console, each with a bearer token;
    /// none: the review routes do not exist.
    pub staff: Vec<StaffMember>,
}

/// One FAQ editor allowed into the review console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    /// Who it is, as the audit trail records it.
    pub name: String,
    /// The bearer token they log in with (at least 16 characters).
    pub token: String,
}

impl StaffMember {
    /// Parses `name:token,name:token` (the `KOTAE_STAFF` environment variable).
    pub fn parse_list(text: &str) -> Result<Vec<StaffMember>> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                let (name, token) = item.split_once(':').ok_or_else(|| {
                    Error::Config("KOTAE_STAFF: expected name:token, comma-separated".into())
                })?;
                Ok(StaffMember {
                    name: name.trim().to_string(),
                    token: token.trim().to_string(),
                })
            })
            .collect()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: PathBuf::from("data"),
            database: None,
            allow_origins: Vec::new(),
            admin_token: None,
            request_timeout_ms: 10_000,
            max_concurrency: 512,
            rate_limit_per_second: 20,
            rate_limit_burst: 60,
            watch: false,
            log_format: LogFormat::Text,
            trust_proxy: false,
            max_connections: 1024,
            header_timeout_ms: 10_000,
            per_client_concurrency: 16,
            retention_days: 90,
            staff: Vec::new(),
        }
    }
}

impl ServerConfig {
    /// Checks every setting is usable: a number out of its range is an error
    /// naming the setting, never a panic later.
    pub fn validate(&self) -> Result<()> {
        let within = |name: &str, value: u64, low: u64, high: u64| {
            if (low..=high).contains(&value) {
                Ok(())
            } else {
                Err(Error::Config(format!(
                    "{name} must be between {low} and {high}, got {value}"
                )))
            }
        };
        within("request_timeout_ms", self.request_timeout_ms, 1, 3_600_000)?;
        within("header_timeout_ms", self.header_timeout_ms, 1, 3_600_000)?;
        within("max_concurrency", self.max_concurrency as u64, 1, 1_000_000)?;
        within("max_connections", self.max_connections as u64, 1, 1_000_000)?;
        within(
            "per_client_concurrency",
            self.per_client_concurrency as u64,
            1,
            1_000_000,
        )?;
        within(
            "rate_limit_per_second",
            self.rate_limit_per_second,
            0,
            1_000_000,
        )?;
        within("retention_days", u64::from(self.retention_days), 0, 36_500)?;
        if self.rate_limit_per_second > 0 {
            within(
                "rate_limit_burst",
                u64::from(self.rate_limit_burst),
                1,
                1_000_000,
            )?;
        }
        for member in &self.staff {
            if member.name.is_empty() || member.token.len() < 16 {
                return Err(Error::Config(
                    "each staff member needs a name and a token of at least 16 characters".into(),
                ));
            }
        }
        if self
            .database
            .as_ref()
            .is_some_and(|url| !url.starts_with("postgres://") && !url.starts_with("postgresql://"))
        {
            return Err(Error::Config(
                "database must be a postgres:// URL (or unset for the SQLite file)".into(),
            ));
        }
        if self.admin_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(Error::Config(
                "admin_token must be at least 16 characters".into(),
            ));
        }
        for origin in &self.allow_origins {
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"))
                .map(|rest| rest.trim_end_matches('/'));
            if !host.is_some_and(|h| !h.is_empty() && !h.contains(['/', ' ', '?', '#'])) {
                return Err(Error::Config(format!(
                    "allow_origins: {origin:?} is not an origin like https://coop.example"
                )));
            }
        }
        Ok(())
    }
}

/// The configuration file (TOML). Every key is optional; a key given here is
/// overridden by its environment variable, which is overridden by its flag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// FAQ directory.
    pub faq: Option<PathBuf>,
    /// Index root.
    pub index: Option<PathBuf>,
    /// IPADIC source.
    pub ipadic_src: Option<PathBuf>,
    /// Compiled dictionary cache.
    pub dict_dir: Option<PathBuf>,
    /// The semantic model's install directory.
    pub semantic_dir: Option<PathBuf>,
    /// Sudachi's synonym dictionary's install directory.
    pub synonyms_dir: Option<PathBuf>,
    /// Decision thresholds.
    pub thresholds: Option<Thresholds>,
    /// `kotae serve` settings.
    pub server: Option<FileServer>,
}

/// The `[server]` table of the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileServer {
    /// See [`ServerConfig::addr`].
    pub addr: Option<std::net::SocketAddr>,
    /// See [`ServerConfig::data`].
    pub data: Option<PathBuf>,
    /// See [`ServerConfig::database`].
    pub database: Option<String>,
    /// See [`ServerConfig::allow_origins`].
    pub allow_origins: Option<Vec<String>>,
    /// See [`ServerConfig::admin_token`].
    pub admin_token: Option<String>,
    /// See [`ServerConfig::request_timeout_ms`].
    pub request_timeout_ms: Option<u64>,
    /// See [`ServerConfig::max_concurrency`].
    pub max_concurrency: Option<usize>,
    /// See [`ServerConfig::rate_limit_per_second`].
    pub rate_limit_per_second: Option<u64>,
    /// See [`ServerConfig::rate_limit_burst`].
    pub rate_limit_burst: Option<u32>,
    /// See [`ServerConfig::watch`].
    pub watch: Option<bool>,
    /// See [`ServerConfig::log_format`].
    pub log_format: Option<LogFormat>,
    /// See [`ServerConfig::trust_proxy`].
    pub trust_proxy: Option<bool>,
    /// See [`ServerConfig::max_connections`].
    pub max_connections: Option<usize>,
    /// See [`ServerConfig::header_timeout_ms`].
    pub header_timeout_ms: Option<u64>,
    /// See [`ServerConfig::per_client_concurrency`].
    pub per_client_concurrency: Option<usize>,
    /// See [`ServerConfig::retention_days`].
    pub retention_days: Option<u32>,
    /// See [`ServerConfig::staff`].
    pub staff: Option<Vec<StaffMember>>,
}

impl FileConfig {
    /// Reads and parses a TOML configuration file; errors name the file.
    pub fn read(path: &std::path::Path) -> Result<FileConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        toml::from_str(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Thresholds::default().validate().unwrap();
        ServerConfig::default().validate().unwrap();
    }

    #[test]
    fn the_example_configuration_file_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("kotae.example.toml");
        let file = FileConfig::read(&path).unwrap();
        assert!(file.server.unwrap().admin_token.is_none());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.toml");
        std::fs::write(&path, "[server]\nadress = \"127.0.0.1:1\"\n").unwrap();
        let message = FileConfig::read(&path).unwrap_err().to_string();
        assert!(
            message.contains("k.toml") && message.contains("adress"),
            "{message}"
        );
        let short = ServerConfig {
            admin_token: Some("short".into()),
            ..ServerConfig::default()
        };
        assert!(short.validate().is_err());
        let origin = ServerConfig {
            allow_origins: vec!["coop.example".into()],
            ..ServerConfig::default()
        };
        assert!(origin.validate().is_err());
        let huge_rate = ServerConfig {
            rate_limit_per_second: 4_294_967_296,
            ..ServerConfig::default()
        };
        let message = huge_rate.validate().unwrap_err().to_string();
        assert!(message.contains("rate_limit_per_second"), "{message}");
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
