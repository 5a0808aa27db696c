//! Entries that ask the same thing: two official questions with nearly the same
//! content words (`転入届はどこに出しますか` / `転入届はどこで出せますか`). Members'
//! questions fit both equally, so neither is ever answered with confidence; the
//! editor should merge them or make them differ. Found once per FAQ load and
//! reported by `kotae index` and `/readyz`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::analysis::{Analyzer, FieldKind};
use crate::error::Result;
use crate::faq::Faq;

/// Least share of content words two official questions have in common (Jaccard)
/// to be reported.
pub const SIMILAR: f32 = 0.8;

/// A word in more entries than this says nothing about which two are alike, and
/// would make the comparison quadratic in large FAQs.
const COMMON: usize = 50;

/// Two entries whose official questions are nearly the same.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearDuplicate {
    /// The first entry's id.
    pub first: String,
    /// The second entry's id.
    pub second: String,
    /// Share of content words in common, in [0, 1].
    pub similarity: f32,
}

/// Every pair of entries whose official questions share at least [`SIMILAR`] of
/// their content words, in FAQ order.
pub fn find(faq: &Faq, analyzer: &Analyzer) -> Result<Vec<NearDuplicate>> {
    let mut words: Vec<HashSet<String>> = Vec::with_capacity(faq.entries.len());
    for entry in &faq.entries {
        let terms = analyzer.terms(&entry.question, FieldKind::Terms)?;
        words.push(terms.into_iter().map(|t| t.text).collect());
    }
    let mut holders: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, set) in words.iter().enumerate() {
        for word in set {
            holders.entry(word.as_str()).or_default().push(i);
        }
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for entries in holders.values().filter(|e| e.len() <= COMMON) {
        for (n, &a) in entries.iter().enumerate() {
            for &b in &entries[n + 1..] {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut found: Vec<NearDuplicate> = pairs
        .into_iter()
        .filter_map(|(a, b)| {
            let shared = words[a].intersection(&words[b]).count();
            let union = words[a].union(&words[b]).count();
            let similarity = shared as f32 / union.max(1) as f32;
            (similarity >= SIMILAR).then(|| NearDuplicate {
                first: faq.entries[a].id.clone(),
                second: faq.entries[b].id.clone(),
                similarity,
            })
        })
        .collect();
    let position = |id: &str| faq.entries.iter().position(|e| e.id == id);
    found.sort_by_key(|d| (position(&d.first), position(&d.second)));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    #[test]
    fn two_ways_of_asking_the_same_are_found_and_different_questions_are_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.json"),
            r#"[
              {"id": "a", "question": "転入届はどこで出せますか", "answer": "市民課です。"},
              {"id": "b", "question": "転入届はどこに出せますか？", "answer": "市民課の窓口です。"},
              {"id": "c", "question": "図書館の本は何冊借りられますか", "answer": "10冊です。"}
            ]"#,
        )
        .unwrap();
        let faq = Faq::load(dir.path()).unwrap();
        let found = find(&faq, &analyzer()).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].first.as_str(), found[0].second.as_str()),
            ("a", "b")
        );
    }

    #[test]
    fn the_shipped_faq_has_none() {
        let faq = Faq::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")).unwrap();
        assert!(find(&faq, &analyzer()).unwrap().is_empty());
    }
}
