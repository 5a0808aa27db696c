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

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::analysis::pos::{Class, Detail};
use crate::analysis::{self, Analyzer, FieldKind};
use crate::error::Result;
use crate::faq::Faq;

/// Least number of entries that use a compound for it to count as one concept.
const SHARED_BY: usize = 2;

/// The FAQ's shared compounds, as term sequences, by their first term.
#[derive(Debug, Default)]
pub struct SharedCompounds {
    /// First term → the compounds starting with it, longest first.
    by_first: HashMap<String, Vec<Vec<String>>>,
}

impl SharedCompounds {
    /// The compounds (two or more adjacent nouns, in any question, alternate or
    /// answer) that at least [`SHARED_BY`] entries of `faq` use.
    pub fn of(faq: &Faq, analyzer: &Analyzer) -> Result<SharedCompounds> {
        let mut entries_using: HashMap<Vec<String>, usize> = HashMap::default();
        for entry in &faq.entries {
            let texts = std::iter::once(&entry.question)
                .chain(&entry.alternates)
                .chain(std::iter::once(&entry.answer));
            let mut used: HashSet<Vec<String>> = HashSet::default();
            for text in texts {
                for run in noun_runs(analyzer, &analyzer.morphemes(text)?) {
                    used.extend(sub_runs(&run));
                }
            }
            for compound in used {
                *entries_using.entry(compound).or_default() += 1;
            }
        }
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::default();
        for (compound, entries) in entries_using {
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
        Ok(SharedCompounds { by_first })
    }

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
        let compounds = SharedCompounds::of(&faq, &analyzer()).unwrap();
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
