//! Sudachi's synonym dictionary: general knowledge of which Japanese words mean
//! the same, compiled for kotae's analyzer on first use.
//!
//! The dictionary (npm `sudachi-synonyms-dictionary`, Apache-2.0, installed by
//! `scripts/install-synonyms.sh`) holds about 26,000 groups, one sense each. A
//! word in several groups has several senses (`マイク`: a microphone, or the name
//! Mike); each
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

use crate::analysis::{Analyzer, FieldKind};
use crate::checksum::sha256_hex;
use crate::error::{Error, Result};
use crate::whole_file;

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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member<'a> {
    /// The word, folded as the analyzer folds terms.
    pub word: &'a str,
    /// Its `expandControl` ([`EXPANDS`], 1, or [`NEVER`]).
    pub control: u8,
}

/// The dictionary in its compiled form: one line per group, `control:word`
/// members separated by tabs. Members are read from it in place, so a FAQ's
/// matcher build allocates only what it keeps.
#[derive(Debug, Default)]
pub struct SynonymDictionary {
    text: String,
}

impl SynonymDictionary {
    /// The groups, one sense each, in the dictionary's order.
    pub fn groups(&self) -> impl Iterator<Item = Vec<Member<'_>>> {
        self.text
            .lines()
            .map(|line| line.split('\t').filter_map(member).collect())
    }

    /// A dictionary from its compiled text, as written by [`open`] (for tests
    /// and tools that build one in memory).
    pub fn compiled(text: String) -> SynonymDictionary {
        SynonymDictionary { text }
    }

    /// Accepts a compiled text only if every member of every line parses.
    fn from_compiled(text: String) -> Option<SynonymDictionary> {
        let whole = !text.is_empty()
            && text
                .lines()
                .all(|line| line.split('\t').all(|m| member(m).is_some()));
        whole.then_some(SynonymDictionary { text })
    }
}

fn member(text: &str) -> Option<Member<'_>> {
    let (control, word) = text.split_once(':')?;
    (!word.is_empty()).then_some(())?;
    Some(Member {
        word,
        control: control.parse().ok()?,
    })
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
        if let Some(dictionary) = SynonymDictionary::from_compiled(text) {
            return Ok(Some(dictionary));
        }
        tracing::warn!(path = %compiled.display(), "compiled synonyms damaged; compiling again");
    }
    let bytes = std::fs::read(&json).map_err(|e| Error::io(&json, e))?;
    let dictionary = from_json(&bytes, analyzer)
        .map_err(|message| Error::Analysis(format!("{}: {message}", json.display())))?;
    write_compiled(cache_dir, &compiled, &dictionary)?;
    tracing::info!(path = %compiled.display(), "synonym dictionary compiled");
    Ok(Some(dictionary))
}

/// Reads the dictionary's JSON, folding each word as the analyzer folds terms
/// and keeping each word once per group (a word with a tab, colon or line break
/// in it, none in the dictionary, is left out).
pub fn from_json(
    bytes: &[u8],
    analyzer: &Analyzer,
) -> std::result::Result<SynonymDictionary, String> {
    let groups: Vec<JsonGroup> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut text = String::new();
    for group in groups {
        let mut words: Vec<String> = Vec::new();
        let mut members: Vec<String> = Vec::new();
        for item in group.items {
            let word = analyzer.fold(item.midashi.trim(), FieldKind::Terms);
            let clean = !word.is_empty() && !word.contains(['\t', '\n', '\r', ':']);
            if clean && !words.contains(&word) {
                members.push(format!("{}:{word}", item.expand_control));
                words.push(word);
            }
        }
        if !members.is_empty() {
            text.push_str(&members.join("\t"));
            text.push('\n');
        }
    }
    Ok(SynonymDictionary { text })
}

fn compiled_path(cache_dir: &Path, identity: &str, fingerprint: &str) -> PathBuf {
    let key = sha256_hex(format!("{identity}\n{fingerprint}").as_bytes());
    cache_dir.join(format!("synonyms-{}.tsv", &key[..16]))
}

/// Written whole, then renamed: a crash never leaves a short file behind.
fn write_compiled(dir: &Path, path: &Path, dictionary: &SynonymDictionary) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    whole_file::replace(
        &whole_file::temporary_beside(path),
        path,
        dictionary.text.as_bytes(),
    )
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
        let groups: Vec<Vec<Member>> = dictionary.groups().collect();
        let words: Vec<(&str, u8)> = groups[0].iter().map(|m| (m.word, m.control)).collect();
        // Katakana folded to hiragana, okurigana dropped: the analyzer's terms.
        assert_eq!(words, [("きゃんせる", 0), ("取消", 0), ("破棄", 1)]);
        assert!(from_json(b"{not json", &analyzer).is_err());
    }

    #[test]
    fn the_compiled_file_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("synonyms-x.tsv");
        let dictionary = SynonymDictionary {
            text: "0:取消\t1:破棄\n0:駐車場\t0:ぱーきんぐ\n".into(),
        };
        write_compiled(dir.path(), &path, &dictionary).unwrap();
        let read =
            SynonymDictionary::from_compiled(std::fs::read_to_string(&path).unwrap()).unwrap();
        let groups: Vec<Vec<Member>> = read.groups().collect();
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[0][1],
            Member {
                word: "破棄",
                control: 1
            }
        );
        // A damaged file is compiled again rather than half read.
        assert!(SynonymDictionary::from_compiled("0:取消\tbroken\n".into()).is_none());
        assert!(SynonymDictionary::from_compiled(String::new()).is_none());
    }
}
