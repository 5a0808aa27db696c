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
//! (`expandControl` 0 in one group; `マイク`, a microphone or the name Mike, is
//! in two and is never expanded), and only to members the dictionary lets be
//! expanded to (`expandControl` not 2).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::synonym_dictionary::{EXPANDS, Member, NEVER, SynonymDictionary};

/// A word no phrasing uses → the phrasings' words of its one sense.
#[derive(Debug, Default)]
pub struct GeneralSynonyms {
    related: HashMap<String, Vec<String>>,
}

impl GeneralSynonyms {
    /// What `dictionary` adds for a FAQ whose phrasings use `phrasing_terms`.
    pub fn for_faq(dictionary: &SynonymDictionary, phrasing_terms: &HashSet<String>) -> Self {
        let targets = |group: &[Member<'_>]| -> Vec<String> {
            group
                .iter()
                .filter(|m| m.control != NEVER && phrasing_terms.contains(m.word))
                .map(|m| m.word.to_string())
                .collect()
        };
        let is_source = |m: &Member<'_>| m.control == EXPANDS && !phrasing_terms.contains(m.word);
        // The words that could gain something, with what they would gain; then
        // their senses, counted over the whole dictionary. Only words near the
        // FAQ's are held, never the dictionary's whole vocabulary.
        let mut related: HashMap<String, Vec<String>> = HashMap::default();
        for group in dictionary.groups() {
            let targets = targets(&group);
            if targets.is_empty() {
                continue;
            }
            for source in group.iter().filter(|m| is_source(m)) {
                let words = related.entry(source.word.to_string()).or_default();
                words.extend(targets.iter().cloned());
            }
        }
        let mut senses: HashMap<String, usize> = HashMap::default();
        for group in dictionary.groups() {
            for member in group.iter().filter(|m| m.control == EXPANDS) {
                if related.contains_key(member.word) {
                    *senses.entry(member.word.to_string()).or_default() += 1;
                }
            }
        }
        related.retain(|word, _| senses.get(word) == Some(&1));
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

    /// A dictionary of `groups`, each a list of `(word, expandControl)`.
    fn dictionary(groups: &[&[(&str, u8)]]) -> SynonymDictionary {
        let text: String = groups
            .iter()
            .map(|group| {
                let members: Vec<String> = group.iter().map(|(w, c)| format!("{c}:{w}")).collect();
                members.join("\t") + "\n"
            })
            .collect();
        SynonymDictionary::compiled(text)
    }

    fn faq_words(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_word_of_one_sense_reaches_the_faqs_synonym() {
        let dictionary = dictionary(&[&[("きゃんせる", 0), ("取消", 0), ("破棄", 1)]]);
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["きゃんせる"]));
        assert_eq!(general.related("取消"), ["きゃんせる"]);
        // Only expanded to, never from.
        assert!(general.related("破棄").is_empty());
        // The FAQ's own word needs nothing.
        assert!(general.related("きゃんせる").is_empty());
    }

    #[test]
    fn a_word_of_two_senses_is_never_expanded() {
        // まいく is a microphone and the name Mike: a FAQ about microphones
        // must not hear a name.
        let dictionary = dictionary(&[
            &[("まいく", 0), ("まいくろほん", 0), ("microphone", 0)],
            &[("まいく", 0), ("mike", 0)],
        ]);
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["まいくろほん", "mike"]));
        assert!(general.related("まいく").is_empty());
        assert_eq!(general.related("microphone"), ["まいくろほん"]);
    }

    #[test]
    fn a_member_never_used_is_not_a_target() {
        let dictionary = dictionary(&[&[("額", 2), ("値段", 0)]]);
        let general = GeneralSynonyms::for_faq(&dictionary, &faq_words(&["額"]));
        assert!(general.related("値段").is_empty());
        assert_eq!(general.len(), 0);
    }
}
