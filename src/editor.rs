//! Changes an FAQ editor makes from the review console, written into the FAQ's own
//! files: the files stay the single source of truth, so an edit is reviewed, kept in
//! version control and reloaded like any other.
//!
//! A change is written whole (a temporary file renamed over the old one) and kept
//! only if the whole directory still loads as a valid FAQ; otherwise the old file is
//! put back and the problems are returned.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::faq::{Entry, Faq, RESPONSES_FILE};
use crate::whole_file;

/// Adds `phrasing` as an alternate of the entry `entry_id`, in the JSON file that
/// holds it; returns that file. A phrasing the entry already has is not added
/// twice. Entries that live in a CSV table are edited in the table.
pub fn add_alternate(dir: &Path, entry_id: &str, phrasing: &str) -> Result<PathBuf> {
    let phrasing = phrasing.trim();
    if phrasing.is_empty() {
        return Err(Error::InvalidFaq(vec!["the alternate is empty".into()]));
    }
    let (path, mut entries) = file_holding(dir, entry_id)?;
    let Some(entry) = entries.iter_mut().find(|e| e.id == entry_id) else {
        return Err(Error::InvalidFaq(vec![format!("no entry {entry_id:?}")]));
    };
    if !entry.alternates.iter().any(|a| a == phrasing) {
        entry.alternates.push(phrasing.to_string());
    }
    let json = serde_json::to_string_pretty(&entries)
        .map_err(|e| Error::InvalidFaq(vec![format!("{}: {e}", path.display())]))?;
    replace_checked(dir, &path, format!("{json}\n").as_bytes())?;
    Ok(path)
}

/// The JSON entry file of `dir` that holds `entry_id`, parsed.
fn file_holding(dir: &Path, entry_id: &str) -> Result<(PathBuf, Vec<Entry>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|item| item.ok().map(|item| item.path()))
        .filter(|p| {
            p.extension().is_some_and(|ext| ext == "json")
                && p.file_name().is_some_and(|n| n != RESPONSES_FILE)
        })
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let Ok(entries) = serde_json::from_str::<Vec<Entry>>(&text) else {
            continue;
        };
        if entries.iter().any(|e| e.id == entry_id) {
            return Ok((path, entries));
        }
    }
    Err(Error::InvalidFaq(vec![format!(
        "no JSON file in {} holds entry {entry_id:?} (entries from CSV tables are edited in the table)",
        dir.display()
    )]))
}

/// Writes `bytes` over `path` (through a temporary file and a rename) and keeps
/// them only if `dir` still loads as a valid FAQ.
fn replace_checked(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    let previous = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    whole_file::replace(&path.with_extension("json.tmp"), path, bytes)?;
    if let Err(err) = Faq::load(dir) {
        whole_file::replace(&path.with_extension("json.restore"), path, &previous)?;
        return Err(err);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.json"),
            r#"[{"id": "moving-in", "question": "転入届はどこで出せますか", "answer": "市民課です。"}]"#,
        )
        .unwrap();
        dir
    }

    #[test]
    fn an_alternate_is_added_once_to_the_file_that_holds_the_entry() {
        let dir = faq_dir();
        let path = add_alternate(dir.path(), "moving-in", "引っ越してきた").unwrap();
        add_alternate(dir.path(), "moving-in", "引っ越してきた").unwrap();
        assert_eq!(path, dir.path().join("a.json"));
        let faq = Faq::load(dir.path()).unwrap();
        assert_eq!(faq.entries[0].alternates, ["引っ越してきた"]);
    }

    #[test]
    fn an_unknown_entry_or_an_empty_phrasing_changes_nothing() {
        let dir = faq_dir();
        let before = std::fs::read(dir.path().join("a.json")).unwrap();
        assert!(add_alternate(dir.path(), "nope", "x").is_err());
        assert!(add_alternate(dir.path(), "moving-in", "  ").is_err());
        assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), before);
    }
}
