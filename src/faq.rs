//! The FAQ content of one directory: entries, synonyms, the user dictionary and the
//! service's own responses (fallback, clarify, small talk). Loaded and validated as
//! a whole, so nothing is ever served from a partly valid FAQ.
//!
//! Layout of a FAQ directory (see the README for the full schema):
//! - `*.json` — entry files, each a JSON array of [`Entry`]; every such file except
//!   `responses.json` is read, in file-name order, together with
//! - `*.csv`, `*.tsv` — entry tables with a header row ([`crate::tabular`]).
//! - `responses.json` — optional [`Responses`].
//! - `synonyms.txt` — optional synonym groups, one per line, comma-separated.
//! - `userdict.csv` — optional lindera simple user dictionary (surface,pos,reading).
//!
//! The content hash covers every one of these files, so an index built from other
//! content is never opened for this one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::tabular;

/// File name of the optional responses file.
pub const RESPONSES_FILE: &str = "responses.json";
/// File name of the optional synonyms file.
pub const SYNONYMS_FILE: &str = "synonyms.txt";
/// File name of the optional user dictionary.
pub const USERDICT_FILE: &str = "userdict.csv";

/// One official question and its answer, as an editor writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Stable identifier: lowercase ASCII letters, digits and `-`.
    pub id: String,
    /// The official question.
    pub question: String,
    /// The official answer, served verbatim.
    pub answer: String,
    /// Other ways members ask the same thing.
    #[serde(default)]
    pub alternates: Vec<String>,
    /// Grouping shown to staff.
    #[serde(default)]
    pub category: String,
    /// Where the answer comes from (document and section).
    #[serde(default)]
    pub source: String,
    /// Set on the one entry whose phone line the fallback points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline: Option<Hotline>,
}

/// The human line a fallback points to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    /// Phone number as printed (`0120-911-922`).
    pub phone: String,
    /// Opening hours as printed.
    pub hours: String,
}

/// Replies that are the service's own words rather than FAQ answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Responses {
    /// Said when nothing matches well enough to offer.
    pub fallback_message: String,
    /// Said above the candidates when kotae is not sure which one is meant.
    pub clarify_message: String,
    /// Greetings and thanks, answered without touching the FAQ.
    pub smalltalk: Vec<SmallTalk>,
}

impl Default for Responses {
    fn default() -> Self {
        Responses {
            fallback_message: "申し訳ありません。ご質問に合う回答が見つかりませんでした。お手数ですが、お問い合わせ窓口までお電話ください。".to_string(),
            clarify_message: "お知りになりたいのは次のどれでしょうか。".to_string(),
            smalltalk: Vec::new(),
        }
    }
}

/// A group of greetings or thanks and the reply they get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmallTalk {
    /// Phrases that, alone, make a message small talk (`こんにちは`).
    pub patterns: Vec<String>,
    /// The reply.
    pub reply: String,
}

/// A validated FAQ directory.
#[derive(Debug, Clone)]
pub struct Faq {
    /// Where it was loaded from.
    pub dir: PathBuf,
    /// All entries, in file then array order.
    pub entries: Vec<Entry>,
    /// Synonym groups; each group has at least two members.
    pub synonyms: Vec<Vec<String>>,
    /// The user dictionary CSV, if present.
    pub userdict: Option<String>,
    /// Additions to the language data's word lists: file name (`stopwords.txt`)
    /// → text, for each list file present in the directory (see [`crate::lang`]).
    pub lang: BTreeMap<String, String>,
    /// Fallback, clarify and small-talk responses.
    pub responses: Responses,
    /// SHA-256 over every content file (hex).
    pub content_hash: String,
    /// Entry id → position in `entries`.
    positions: HashMap<String, usize>,
}

impl Faq {
    /// Loads and validates every file of `dir`; all problems are reported together.
    pub fn load(dir: &Path) -> Result<Faq> {
        let mut hasher = Sha256::new();
        let mut problems = Vec::new();
        let (entries, responses) = read_entry_files(dir, &mut hasher, &mut problems)?;
        let synonyms = match read_optional(&dir.join(SYNONYMS_FILE))? {
            Some(text) => {
                hash_file(&mut hasher, &dir.join(SYNONYMS_FILE), &text);
                parse_synonyms(&text, &dir.join(SYNONYMS_FILE), &mut problems)
            }
            None => Vec::new(),
        };
        let userdict = read_optional(&dir.join(USERDICT_FILE))?;
        if let Some(text) = &userdict {
            hash_file(&mut hasher, &dir.join(USERDICT_FILE), text);
        }
        let lang = read_lang_additions(dir, &mut hasher)?;

        validate_entries(&entries, &mut problems);
        validate_responses(&responses, &dir.join(RESPONSES_FILE), &mut problems);
        if entries.is_empty() && problems.is_empty() {
            problems.push(format!(
                "{}: no FAQ entries (expected *.json files holding arrays of entries, or *.csv/*.tsv tables)",
                dir.display()
            ));
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFaq(problems));
        }
        let entries: Vec<Entry> = entries.into_iter().map(|(_, entry)| entry).collect();
        let positions = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Ok(Faq {
            dir: dir.to_path_buf(),
            entries,
            positions,
            synonyms,
            userdict,
            lang,
            responses,
            content_hash: hex(&hasher.finalize()),
        })
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.positions.get(id).and_then(|&i| self.entries.get(i))
    }

    /// A copy of this FAQ with every alternate removed (for the ablation that
    /// measures what alternates are worth); its content hash differs.
    pub fn without_alternates(&self) -> Faq {
        let mut copy = self.clone();
        for entry in &mut copy.entries {
            entry.alternates.clear();
        }
        copy.content_hash = format!("{}-without-alternates", self.content_hash);
        copy
    }

    /// The hotline the fallback points to, if an entry declares one.
    pub fn hotline(&self) -> Option<&Hotline> {
        self.entries.iter().find_map(|entry| entry.hotline.as_ref())
    }
}

fn validate_entries(entries: &[(PathBuf, Entry)], problems: &mut Vec<String>) {
    let mut seen = HashSet::new();
    let mut hotlines = 0;
    for (index, (path, entry)) in entries.iter().enumerate() {
        let at = format!("{} entry {:?} (#{})", path.display(), entry.id, index + 1);
        if entry.id.is_empty()
            || !entry
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(format!(
                "{at}: id must be non-empty lowercase ASCII letters, digits and '-'"
            ));
        }
        if !seen.insert(entry.id.as_str()) {
            problems.push(format!("{at}: duplicate id {:?}", entry.id));
        }
        if entry.question.trim().is_empty() {
            problems.push(format!("{at}: question is empty"));
        }
        if entry.answer.trim().is_empty() {
            problems.push(format!("{at}: answer is empty"));
        }
        if entry.alternates.iter().any(|a| a.trim().is_empty()) {
            problems.push(format!("{at}: an alternate is empty"));
        }
        if let Some(hotline) = &entry.hotline {
            hotlines += 1;
            if hotline.phone.trim().is_empty() || hotline.hours.trim().is_empty() {
                problems.push(format!("{at}: hotline needs a phone and hours"));
            }
        }
    }
    if hotlines > 1 {
        problems.push("more than one entry declares a hotline; the fallback needs one".into());
    }
}

fn validate_responses(responses: &Responses, path: &Path, problems: &mut Vec<String>) {
    if responses.fallback_message.trim().is_empty() {
        problems.push(format!("{}: fallback_message is empty", path.display()));
    }
    for (i, talk) in responses.smalltalk.iter().enumerate() {
        if talk.reply.trim().is_empty() || talk.patterns.iter().all(|p| p.trim().is_empty()) {
            problems.push(format!(
                "{}: smalltalk #{} needs patterns and a reply",
                path.display(),
                i + 1
            ));
        }
    }
}

/// Parses `synonyms.txt`: one group per line, members separated by `,` or `、`,
/// `#` starts a comment.
fn parse_synonyms(text: &str, path: &Path, problems: &mut Vec<String>) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let members: Vec<String> = line
            .split([',', '、', '，'])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .collect();
        if members.len() < 2 {
            problems.push(format!(
                "{}:{}: a synonym group needs at least two members",
                path.display(),
                number + 1
            ));
            continue;
        }
        groups.push(members);
    }
    groups
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Files of a FAQ directory that hold entries: JSON arrays, and CSV or TSV tables
/// ([`crate::tabular`]) other than the user dictionary.
fn is_entry_file(path: &Path) -> bool {
    if file_name(path) == USERDICT_FILE {
        return false;
    }
    path.extension().is_some_and(|ext| ext == "json")
        || matches!(
            tabular::Format::of(path),
            Some(tabular::Format::Csv | tabular::Format::Tsv)
        )
}

/// Every entry file of `dir` (JSON and CSV/TSV, in file-name order) and the
/// responses file, hashed; problems are collected, not returned early.
fn read_entry_files(
    dir: &Path,
    hasher: &mut Sha256,
    problems: &mut Vec<String>,
) -> Result<(Vec<(PathBuf, Entry)>, Responses)> {
    let mut entries = Vec::new();
    let mut responses = Responses::default();

    let mut entry_files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|path| is_entry_file(path) && path.is_file())
        .collect();
    entry_files.sort();

    for path in &entry_files {
        if matches!(
            tabular::Format::of(path),
            Some(tabular::Format::Csv | tabular::Format::Tsv)
        ) {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            hash_file(hasher, path, &String::from_utf8_lossy(&bytes));
            match tabular::read_entries(path) {
                Ok(parsed) => entries.extend(parsed.into_iter().map(|e| (path.clone(), e))),
                Err(Error::InvalidFaq(found)) => problems.extend(found),
                Err(other) => return Err(other),
            }
            continue;
        }
        let text = read(path)?;
        hash_file(hasher, path, &text);
        let name = file_name(path);
        if name == RESPONSES_FILE {
            match serde_json::from_str::<Responses>(&text) {
                Ok(parsed) => responses = parsed,
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            }
            continue;
        }
        match serde_json::from_str::<Vec<Entry>>(&text) {
            Ok(parsed) => entries.extend(parsed.into_iter().map(|e| (path.clone(), e))),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    Ok((entries, responses))
}

/// The directory's additions to the language data's word lists, hashed.
fn read_lang_additions(dir: &Path, hasher: &mut Sha256) -> Result<BTreeMap<String, String>> {
    let mut lang = BTreeMap::new();
    for (name, _) in crate::lang::FILES {
        let path = dir.join(name);
        if let Some(text) = read_optional(&path)? {
            if *name == "asked_facts.txt" {
                crate::lang::asked_facts([text.as_str()])
                    .map_err(|e| Error::InvalidFaq(vec![format!("{}: {e}", path.display())]))?;
            }
            hash_file(hasher, &path, &text);
            lang.insert(name.to_string(), text);
        }
    }
    Ok(lang)
}

fn hash_file(hasher: &mut Sha256, path: &Path, text: &str) {
    hasher.update(file_name(path).as_bytes());
    hasher.update([0]);
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const ONE: &str = r#"[{"id":"a","question":"質問","answer":"回答"}]"#;

    fn problems(files: &[(&str, &str)]) -> String {
        let dir = faq_dir(files);
        match Faq::load(dir.path()) {
            Err(Error::InvalidFaq(problems)) => problems.join("\n"),
            other => panic!("expected InvalidFaq, got {other:?}"),
        }
    }

    #[test]
    fn loads_a_minimal_faq() {
        let dir = faq_dir(&[("faq.json", ONE)]);
        let faq = Faq::load(dir.path()).unwrap();
        assert_eq!(faq.entries.len(), 1);
        assert_eq!(faq.entry("a").unwrap().answer, "回答");
        assert_eq!(faq.content_hash.len(), 64);
    }

    #[test]
    fn an_asked_fact_pattern_that_does_not_parse_is_rejected_naming_file_and_line() {
        let message = problems(&[
            ("faq.json", ONE),
            ("asked_facts.txt", "# mine\nprice asks (円\n"),
        ]);
        assert!(message.contains("asked_facts.txt"), "{message}");
        assert!(message.contains("price asks (円"), "{message}");
    }

    #[test]
    fn duplicate_ids_are_rejected_naming_file_and_entry() {
        let text =
            r#"[{"id":"a","question":"q","answer":"x"},{"id":"a","question":"q2","answer":"y"}]"#;
        let message = problems(&[("dup.json", text)]);
        assert!(message.contains("dup.json"), "{message}");
        assert!(message.contains("duplicate id \"a\""), "{message}");
    }

    #[test]
    fn a_missing_answer_is_rejected() {
        let message = problems(&[("f.json", r#"[{"id":"a","question":"q"}]"#)]);
        assert!(message.contains("f.json"), "{message}");
        assert!(message.contains("missing field `answer`"), "{message}");
    }

    #[test]
    fn an_empty_answer_is_rejected() {
        let message = problems(&[("f.json", r#"[{"id":"a","question":"q","answer":"  "}]"#)]);
        assert!(message.contains("entry \"a\""), "{message}");
        assert!(message.contains("answer is empty"), "{message}");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = r#"[{"id":"a","question":"q","answer":"x","anwser":"typo"}]"#;
        let message = problems(&[("f.json", text)]);
        assert!(message.contains("unknown field `anwser`"), "{message}");
    }

    #[test]
    fn bad_ids_and_one_member_synonym_groups_are_rejected() {
        let text = r#"[{"id":"A b","question":"q","answer":"x"}]"#;
        let message = problems(&[("f.json", text), ("synonyms.txt", "# c\nクレカ\n")]);
        assert!(message.contains("lowercase ASCII"), "{message}");
        assert!(message.contains("synonyms.txt:2"), "{message}");
    }

    #[test]
    fn synonyms_accept_both_commas_and_comments() {
        let dir = faq_dir(&[
            ("f.json", ONE),
            (
                "synonyms.txt",
                "クレカ, クレジットカード # card\n漏えい、漏洩\n\n",
            ),
        ]);
        let faq = Faq::load(dir.path()).unwrap();
        assert_eq!(
            faq.synonyms,
            vec![vec!["クレカ", "クレジットカード"], vec!["漏えい", "漏洩"]]
        );
    }

    #[test]
    fn the_hash_changes_with_any_content_file() {
        let dir = faq_dir(&[("f.json", ONE)]);
        let before = Faq::load(dir.path()).unwrap().content_hash;
        std::fs::write(dir.path().join("synonyms.txt"), "a, b\n").unwrap();
        let after = Faq::load(dir.path()).unwrap().content_hash;
        assert_ne!(before, after);
    }

    #[test]
    fn an_empty_directory_is_not_a_faq() {
        let message = problems(&[]);
        assert!(message.contains("no FAQ entries"), "{message}");
    }
}
