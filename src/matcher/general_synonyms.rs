//! General synonyms for one FAQ: what Sudachi's synonym dictionary adds to the
//! FAQ's own synonym groups.
//!
//! A member's word that no phrasing of the FAQ uses (`取消`, `キッズ`) often has
//! a synonym that one does (`キャンセル`, `子供`). Such a word gets the FAQ's
//! synonyms of its one sense as partial evidence, as the known head of an
//! unknown compound does: half credit in coverage, and never enough alone for
//! `too-few-concepts`' one-and-a-half shared concepts.
//!
//! Only one sense: the word is expanded by exactly one group of the dictionary
//! (`expandControl` 0 in one group; `ごみ`, refuse or dust, is in two and is
//! never expanded), and only to members the dictionary lets be expanded to
//! (`expandControl` not 2).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::synonym_dictionary::{EXPANDS, NEVER, SynonymDictionary};

/// A word no phrasing uses → the phrasings' words of its one sense.
#[derive(Debug, Default)]
pub struct GeneralSynonyms {
    related: HashMap<String, Vec<String>>,
}

impl GeneralSynonyms {
    /// What `dictionary` adds for a FAQ whose phrasings use `phrasing_terms`.
    pub fn for_faq(dictionary: &SynonymDictionary, phrasing_terms: &HashSet<String>) -> Self {
        let mut senses: HashMap<&str, usize> = HashMap::default();
        for group in &dictionary.groups {
            for member in group.iter().filter(|m| m.control == EXPANDS) {
                *senses.entry(member.word.as_str()).or_default() += 1;
            }
        }
        let mut related: HashMap<String, Vec<String>> = HashMap::default();
        for group in &dictionary.groups {
            let targets: Vec<&str> = group
                .iter()
                .filter(|m| m.control != NEVER && phrasing_terms.contains(&m.word))
                .map(|m| m.word.as_str())
                .collect();
            if targets.is_empty() {
                continue;
            }
            let sources = group.iter().filter(|m| {
                m.control == EXPANDS
                    && senses.get(m.word.as_str()) == Some(&1)
                    && !phrasing_terms.contains(&m.word)
            });
            for source in sources {
                let words = related.entry(source.word.clone()).or_default();
                words.extend(targets.iter().map(|t| t.to_string()));
            }
        }
        GeneralSynonyms { related }
    }

    /// The phrasings' words related to `term`, a word no phrasing uses.
    pub fn related(&self, term: &str) -> &[String] {
        self.related.get(term).map_or(&[], Vec::as_slice)
    }

    /// How many words the dictionary relates to this FAQ's phrasings.
    pub fn len(&self) -> usize {
        self.related.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synonym_dictionary::Member;

    fn group(members: &[(&str, u8)]) -> Vec<Member> {
        members
            .iter()
            .map(|(word, control)| Member {
                word: word.to_string(),
                control: *control,
            })
            .collect()
    }

    fn faq_words(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_word_of_one_sense_reaches_the_faqs_synonym() {
        let dictionary = SynonymDictionary {
            groups: vec![group(&[("きゃんせる", 0), ("取消", 0), ("破棄", 1)])],
        };
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["きゃんせる"]));
        assert_eq!(general.related("取消"), ["きゃんせる"]);
        // Only expanded to, never from.
        assert!(general.related("破棄").is_empty());
        // The FAQ's own word needs nothing.
        assert!(general.related("きゃんせる").is_empty());
    }

    #[test]
    fn a_word_of_two_senses_is_never_expanded() {
        // ごみ is refuse and dust: a FAQ about refuse must not hear 埃.
        let dictionary = SynonymDictionary {
            groups: vec![
                group(&[("ごみ", 0), ("埃", 0), ("塵", 0)]),
                group(&[("ごみ", 0), ("がらくた", 0)]),
            ],
        };
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["埃", "がらくた"]));
        assert!(general.related("ごみ").is_empty());
        assert_eq!(general.related("塵"), ["埃"]);
    }

    #[test]
    fn a_member_never_used_is_not_a_target() {
        let dictionary = SynonymDictionary {
            groups: vec![group(&[("額", 2), ("値段", 0)])],
        };
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["額"]));
        assert!(general.related("値段").is_empty());
        assert_eq!(general.len(), 0);
    }
}
