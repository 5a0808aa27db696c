//! Compounds the FAQ shares: nouns written together (`公金受取口座`, analyzed as
//! `公金` + `受取` + `口座`; `マイナンバー` as `マイ` + `ナンバー`) that more than one
//! entry uses. A member who writes one names one thing, so it is one concept.
//!
//! Counted part by part, such a compound gives every entry that uses it three
//! shared concepts for one word: the subject of a whole section of the FAQ
//! passes the rule that wants two independent pieces of evidence
//! (`too-few-concepts`) for each of its entries, and a near miss that asks
//! something else about that subject is answered with whichever of them shares
//! one more word. A compound only one entry uses stays in parts:
//! it names that entry alone, and each part the member repeats is evidence for it.

use rustc_hash::FxHashMap as HashMap;

use crate::analysis::pos::{Class, Detail};
use crate::analysis::{self, Analyzer, FieldKind};

/// Least number of entries that use a compound for it to count as one concept.
const SHARED_BY: usize = 2;

/// The FAQ's shared compounds, as term sequences, by their first term.
#[derive(Debug, Default)]
pub struct SharedCompounds {
    /// First term → the compounds starting with it, longest first.
    by_first: HashMap<String, Vec<Vec<String>>>,
}

/// Counts, text by text, how many entries write each compound; the texts of one
/// entry come together.
#[derive(Debug, Default)]
pub struct CompoundCount {
    /// Compound → (entries that write it, the last of them).
    entries_using: HashMap<Vec<String>, (usize, usize)>,
}

impl CompoundCount {
    /// Adds the compounds (two or more adjacent nouns) of one of entry `entry`'s
    /// texts, already analyzed.
    pub fn add(&mut self, entry: usize, analyzer: &Analyzer, morphemes: &[analysis::Morpheme]) {
        for run in noun_runs(analyzer, morphemes) {
            for compound in sub_runs(&run) {
                let (entries, last) = self.entries_using.entry(compound).or_insert((0, entry));
                if *entries == 0 || *last != entry {
                    *entries += 1;
                    *last = entry;
                }
            }
        }
    }

    /// The compounds at least [`SHARED_BY`] entries write.
    pub fn shared(self) -> SharedCompounds {
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::default();
        for (compound, (entries, _)) in self.entries_using {
            if entries >= SHARED_BY {
                by_first
                    .entry(compound[0].clone())
                    .or_default()
                    .push(compound);
            }
        }
        for compounds in by_first.values_mut() {
            compounds.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        }
        SharedCompounds { by_first }
    }
}

impl SharedCompounds {
    /// The longest shared compound that `terms` start with.
    pub fn longest_prefix<'a>(
        &self,
        terms: impl Iterator<Item = &'a str> + Clone,
    ) -> Option<&[String]> {
        let first = terms.clone().next()?;
        self.by_first
            .get(first)?
            .iter()
            .map(Vec::as_slice)
            .find(|compound| {
                let mut rest = terms.clone();
                compound
                    .iter()
                    .all(|part| rest.next() == Some(part.as_str()))
            })
    }

    /// How many shared compounds the FAQ has.
    pub fn len(&self) -> usize {
        self.by_first.values().map(Vec::len).sum()
    }
}

/// The text's runs of two or more adjacent content nouns, as terms.
fn noun_runs(analyzer: &Analyzer, morphemes: &[analysis::Morpheme]) -> Vec<Vec<String>> {
    let mut runs = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let mut end = None;
    for m in morphemes {
        let noun = m.content
            && m.pos.class == Class::Noun
            && ![Detail::Number, Detail::Pronoun, Detail::Dependent]
                .iter()
                .any(|detail| m.pos.is_noun_of(*detail));
        if !(noun && end == Some(m.start)) {
            if run.len() >= 2 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        }
        if noun {
            run.push(analyzer.fold(&m.base, FieldKind::Terms));
            end = Some(m.end);
        } else {
            end = None;
        }
    }
    if run.len() >= 2 {
        runs.push(run);
    }
    runs
}

/// Every stretch of two or more terms of a run (`公金受取口座` → `公金受取`,
/// `受取口座`, `公金受取口座`): a member may write any of them.
fn sub_runs(run: &[String]) -> impl Iterator<Item = Vec<String>> + '_ {
    (0..run.len())
        .flat_map(move |start| (start + 2..=run.len()).map(move |end| run[start..end].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faq::Faq;
    use crate::test_support::analyzer;

    fn faq(entries: &str) -> Faq {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("faq.json"), entries).unwrap();
        Faq::load(dir.path()).unwrap()
    }

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_compound_two_entries_use_is_one_concept_and_one_entrys_is_not() {
        let faq = faq(r#"[
          {"id": "a", "question": "公金受取口座とは何ですか", "answer": "給付金の受取口座です。"},
          {"id": "b", "question": "公金受取口座はいつから登録できますか", "answer": "今から登録できます。"},
          {"id": "c", "question": "通知カードを紛失しました", "answer": "再発行はできません。"}
        ]"#);
        let analyzer = analyzer();
        let mut count = CompoundCount::default();
        for (i, entry) in faq.entries.iter().enumerate() {
            for text in [&entry.question, &entry.answer] {
                count.add(i, &analyzer, &analyzer.morphemes(text).unwrap());
            }
        }
        let compounds = count.shared();
        let question = terms(&["公金", "受取", "口座", "登録"]);
        assert_eq!(
            compounds.longest_prefix(question.iter().map(String::as_str)),
            Some(terms(&["公金", "受取", "口座"]).as_slice())
        );
        // `受取口座` is written in both entries too.
        let shorter = terms(&["受取", "口座"]);
        assert!(
            compounds
                .longest_prefix(shorter.iter().map(String::as_str))
                .is_some()
        );
        // `通知カード` is only entry c's.
        let own = terms(&["通知", "かーど"]);
        assert_eq!(
            compounds.longest_prefix(own.iter().map(String::as_str)),
            None
        );
    }

    #[test]
    fn nouns_apart_are_no_compound() {
        let analyzer = analyzer();
        let runs = noun_runs(
            &analyzer,
            &analyzer.morphemes("公金の受取口座、登録制度").unwrap(),
        );
        assert_eq!(
            runs,
            vec![terms(&["受取", "口座"]), terms(&["登録", "制度"])]
        );
    }
}
