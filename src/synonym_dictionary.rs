//! Sudachi's synonym dictionary: general knowledge of which Japanese words mean
//! the same, compiled for kotae's analyzer on first use.
//!
//! The dictionary (npm `sudachi-synonyms-dictionary`, Apache-2.0, installed by
//! `scripts/install-synonyms.sh`) holds about 26,000 groups, one sense each. A
//! word in several groups has several senses (`ごみ`: refuse, or dust); each
//! member carries `expandControl`: 0 expands both ways, 1 is only expanded to
//! (`破棄` in the group of `取消`), 2 is never used. What a FAQ takes from it is
//! decided in `matcher::general_synonyms`.
//!
//! Reading the JSON (14 MB) takes a while, so its words, folded as the analyzer
//! folds terms, are written once to a compact file in the dictionary cache
//! (`synonyms-<key>.tsv`, the key from the installed package's checksum and the
//! analyzer's fingerprint) and read back from there afterwards.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::analysis::{Analyzer, FieldKind};
use crate::error::{Error, Result};

/// Where `scripts/install-synonyms.sh` puts the dictionary by default.
pub const DEFAULT_SYNONYMS_DIR: &str = "/usr/local/share/kotae/sudachi-synonyms-18.0.0";
/// The install directory that switches general synonyms off.
pub const OFF: &str = "off";
const JSON_FILE: &str = "synonyms.json";
const CHECKSUM_FILE: &str = "SHA256";

/// `expandControl`: the member expands and is expanded to.
pub const EXPANDS: u8 = 0;
/// `expandControl`: never used.
pub const NEVER: u8 = 2;

/// One member of a group: its word folded as a term, and its `expandControl`.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The word, folded as the analyzer folds terms.
    pub word: String,
    /// Its `expandControl` ([`EXPANDS`], 1, or [`NEVER`]).
    pub control: u8,
}

/// Every group of the dictionary, members folded as the analyzer folds terms.
#[derive(Debug, Default)]
pub struct SynonymDictionary {
    /// The groups, one sense each, in the dictionary's order.
    pub groups: Vec<Vec<Member>>,
}

#[derive(Deserialize)]
struct JsonGroup {
    items: Vec<JsonItem>,
}

#[derive(Deserialize)]
struct JsonItem {
    #[serde(rename = "expandControl")]
    expand_control: u8,
    midashi: String,
}

/// Opens the dictionary installed in `dir`, compiling it into `cache_dir` on
/// first use: `Ok(None)` when nothing is installed there or `dir` is [`OFF`].
pub fn open(
    dir: &Path,
    cache_dir: &Path,
    analyzer: &Analyzer,
) -> Result<Option<SynonymDictionary>> {
    let json = dir.join(JSON_FILE);
    if dir == Path::new(OFF) || !json.exists() {
        return Ok(None);
    }
    let checksum = dir.join(CHECKSUM_FILE);
    let identity = std::fs::read_to_string(&checksum).map_err(|e| Error::io(checksum, e))?;
    let compiled = compiled_path(cache_dir, identity.trim(), &analyzer.fingerprint());
    if let Ok(text) = std::fs::read_to_string(&compiled) {
        if let Some(dictionary) = parse_compiled(&text) {
            return Ok(Some(dictionary));
        }
        tracing::warn!(path = %compiled.display(), "compiled synonyms damaged; compiling again");
    }
    let bytes = std::fs::read(&json).map_err(|e| Error::io(&json, e))?;
    let dictionary = from_json(&bytes, analyzer)
        .map_err(|message| Error::Analysis(format!("{}: {message}", json.display())))?;
    write_compiled(cache_dir, &compiled, &dictionary)?;
    tracing::info!(groups = dictionary.groups.len(), path = %compiled.display(), "synonym dictionary compiled");
    Ok(Some(dictionary))
}

/// Reads the dictionary's JSON, folding each word as the analyzer folds terms
/// and keeping each word once per group.
pub fn from_json(
    bytes: &[u8],
    analyzer: &Analyzer,
) -> std::result::Result<SynonymDictionary, String> {
    let groups: Vec<JsonGroup> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let groups = groups
        .into_iter()
        .map(|group| {
            let mut members: Vec<Member> = Vec::new();
            for item in group.items {
                let word = analyzer.fold(item.midashi.trim(), FieldKind::Terms);
                if !word.is_empty() && !members.iter().any(|m| m.word == word) {
                    members.push(Member {
                        word,
                        control: item.expand_control,
                    });
                }
            }
            members
        })
        .collect();
    Ok(SynonymDictionary { groups })
}

fn compiled_path(cache_dir: &Path, identity: &str, fingerprint: &str) -> PathBuf {
    let key: String = Sha256::digest(format!("{identity}\n{fingerprint}").as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    cache_dir.join(format!("synonyms-{key}.tsv"))
}

/// One line per group: `control:word` members separated by tabs.
fn parse_compiled(text: &str) -> Option<SynonymDictionary> {
    let mut groups = Vec::new();
    for line in text.lines() {
        let members = line
            .split('\t')
            .map(|member| {
                let (control, word) = member.split_once(':')?;
                Some(Member {
                    word: word.to_string(),
                    control: control.parse().ok()?,
                })
            })
            .collect::<Option<Vec<Member>>>()?;
        groups.push(members);
    }
    (!groups.is_empty()).then_some(SynonymDictionary { groups })
}

/// Written whole, then renamed: a crash never leaves a short file behind.
fn write_compiled(dir: &Path, path: &Path, dictionary: &SynonymDictionary) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut text = String::new();
    for group in dictionary.groups.iter().filter(|g| !g.is_empty()) {
        let members: Vec<String> = group
            .iter()
            .map(|m| format!("{}:{}", m.control, m.word.replace(['\t', '\n'], " ")))
            .collect();
        text.push_str(&members.join("\t"));
        text.push('\n');
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_installed_means_no_dictionary() {
        let cache = tempfile::tempdir().unwrap();
        let analyzer = crate::test_support::analyzer();
        assert!(
            open(
                Path::new("/nonexistent/kotae-synonyms"),
                cache.path(),
                &analyzer
            )
            .unwrap()
            .is_none()
        );
        assert!(
            open(Path::new(OFF), cache.path(), &analyzer)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_json_is_read_as_folded_words_once_per_group() {
        let json = r#"[{"id": "000001", "items": [
            {"expandControl": 0, "vocabularyNumber": 1, "midashi": "キャンセル"},
            {"expandControl": 0, "vocabularyNumber": 1, "midashi": "取り消し"},
            {"expandControl": 0, "vocabularyNumber": 1, "midashi": "取消し"},
            {"expandControl": 1, "vocabularyNumber": 2, "midashi": "破棄"}]}]"#;
        let analyzer = crate::test_support::analyzer();
        let dictionary = from_json(json.as_bytes(), &analyzer).unwrap();
        let words: Vec<(&str, u8)> = dictionary.groups[0]
            .iter()
            .map(|m| (m.word.as_str(), m.control))
            .collect();
        // Katakana folded to hiragana, okurigana dropped: the analyzer's terms.
        assert_eq!(words, [("きゃんせる", 0), ("取消", 0), ("破棄", 1)]);
        assert!(from_json(b"{not json", &analyzer).is_err());
    }

    #[test]
    fn the_compiled_file_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms-x.tsv");
        let dictionary = SynonymDictionary {
            groups: vec![vec![
                Member {
                    word: "取消".into(),
                    control: 0,
                },
                Member {
                    word: "破棄".into(),
                    control: 1,
                },
            ]],
        };
        write_compiled(dir.path(), &path, &dictionary).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(parse_compiled(&text).unwrap().groups, dictionary.groups);
        assert!(parse_compiled("0:取消\tbroken").is_none());
    }
}
