//! Loanwords across scripts: a word the FAQ writes in Latin letters (`VOICEVOX`,
//! `Ubuntu`) and a member types in kana (`ぼいすぼっくす`, `ウブントゥ`), or the
//! other way round, are one word when they sound alike. Both are reduced to a
//! *sound key*: kana through romaji (`wana_kana`), both rewritten by the language
//! data's `loanword_sounds.txt`, then only their consonants kept (`pspks` for both
//! `voicevox` and `ぼいすぼっくす`). Keys shorter than [`MIN_KEY`] match too much.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::fold;

/// Consonants a key needs before it may match: `mac` (`mk`) would match any
/// two-consonant kana word.
pub const MIN_KEY: usize = 3;

/// Consonants the key of a word joined from pieces needs: a run of kana
/// morphemes sounds like a three-consonant word by chance (`こわれた` and
/// `credit` are both `krt`).
pub const MIN_JOINED_KEY: usize = 4;

/// The script a word is written in, for matching across scripts only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Script {
    /// Latin letters (and digits), as the analyzer folds them (lowercase).
    Latin,
    /// Hiragana (katakana is folded to hiragana) and the long-vowel mark.
    Kana,
}

impl Script {
    /// The script of a folded term, if it is all one of the two (three or more
    /// letters; a mix of scripts or any kanji is neither).
    pub fn of(term: &str) -> Option<Script> {
        if term.chars().count() < 3 {
            return None;
        }
        if term.chars().all(|c| c.is_ascii_lowercase()) {
            Some(Script::Latin)
        } else if term.chars().all(|c| fold::is_hiragana(c) || c == 'ー') {
            Some(Script::Kana)
        } else {
            None
        }
    }
}

/// The sound key of a folded term in its script, if long enough to match.
pub fn key(term: &str, script: Script, sounds: &[(String, String)]) -> Option<String> {
    let mut latin = match script {
        Script::Latin => silent_r(term),
        Script::Kana => wana_kana::ConvertJapanese::to_romaji(term),
    };
    for (from, to) in sounds {
        latin = latin.replace(from.as_str(), to);
    }
    let mut key = String::new();
    for c in latin.chars().filter(|c| c.is_ascii_lowercase()) {
        if !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u') && !key.ends_with(c) {
            key.push(c);
        }
    }
    (key.len() >= MIN_KEY).then_some(key)
}

/// English `r` before a consonant or at the end is not written in katakana
/// (`server` → サーバー).
fn silent_r(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let vowel = |c: Option<&char>| c.is_some_and(|c| "aeiouy".contains(*c));
    chars
        .iter()
        .enumerate()
        .filter(|(i, c)| **c != 'r' || vowel(chars.get(i + 1)))
        .map(|(_, c)| *c)
        .collect()
}

/// The FAQ's Latin and kana words by sound key, to find a word's counterpart in
/// the other script.
#[derive(Debug, Default)]
pub struct Loanwords {
    by_key: FxHashMap<String, Vec<(String, Script)>>,
    /// Every word indexed, so a word the FAQ itself uses is left alone.
    words: FxHashSet<String>,
}

impl Loanwords {
    /// Indexes the FAQ's words that are all Latin or all kana.
    pub fn of<'a>(
        words: impl IntoIterator<Item = &'a String>,
        sounds: &[(String, String)],
    ) -> Self {
        let mut by_key: FxHashMap<String, Vec<(String, Script)>> = FxHashMap::default();
        let words: FxHashSet<String> = words.into_iter().cloned().collect();
        for word in &words {
            if let Some(script) = Script::of(word)
                && let Some(key) = key(word, script, sounds)
            {
                by_key.entry(key).or_default().push((word.clone(), script));
            }
        }
        for words in by_key.values_mut() {
            words.sort();
        }
        Loanwords { by_key, words }
    }

    /// The FAQ's words in the other script that sound like `term`, a word the
    /// FAQ does not use itself.
    pub fn counterparts(&self, term: &str, sounds: &[(String, String)]) -> Vec<String> {
        self.matching(term, sounds, MIN_KEY)
    }

    /// [`Loanwords::counterparts`] of a word joined from the analyzer's pieces,
    /// which needs a longer key ([`MIN_JOINED_KEY`]).
    pub fn joined_counterparts(&self, term: &str, sounds: &[(String, String)]) -> Vec<String> {
        self.matching(term, sounds, MIN_JOINED_KEY)
    }

    fn matching(&self, term: &str, sounds: &[(String, String)], least: usize) -> Vec<String> {
        if self.words.contains(term) {
            return Vec::new();
        }
        let Some(script) = Script::of(term) else {
            return Vec::new();
        };
        let Some(key) = key(term, script, sounds).filter(|k| k.len() >= least) else {
            return Vec::new();
        };
        self.by_key
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|(_, other)| *other != script)
            .map(|(word, _)| word.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn counterparts(faq: &[&str], term: &str) -> Vec<String> {
        let lang = Lang::default();
        let words: Vec<String> = faq.iter().map(|w| w.to_string()).collect();
        Loanwords::of(&words, &lang.loanword_sounds).counterparts(term, &lang.loanword_sounds)
    }

    #[test]
    fn a_loanword_in_kana_meets_the_faqs_latin_word() {
        let faq = [
            "voicevox", "ubuntu", "windows", "linux", "android", "server",
        ];
        assert_eq!(counterparts(&faq, "ぼいすぼっくす"), ["voicevox"]);
        assert_eq!(counterparts(&faq, "うぶんとぅ"), ["ubuntu"]);
        assert_eq!(counterparts(&faq, "うぃんどうず"), ["windows"]);
        assert_eq!(counterparts(&faq, "りなっくす"), ["linux"]);
        assert_eq!(counterparts(&faq, "あんどろいど"), ["android"]);
    }

    #[test]
    fn a_latin_word_meets_the_faqs_kana_word() {
        assert_eq!(
            counterparts(&["ぼいすぼっくす"], "voicevox"),
            ["ぼいすぼっくす"]
        );
    }

    #[test]
    fn short_keys_same_scripts_and_other_words_do_not_match() {
        let faq = ["mac", "voicevox", "ぼいすぼっくす"];
        assert!(counterparts(&faq, "まっく").is_empty());
        assert!(counterparts(&faq, "ぼっくす").is_empty());
        assert!(counterparts(&["ぼいすぼっくす"], "ぼいすぼっくす").is_empty());
        assert!(counterparts(&faq, "かいしゃ").is_empty());
    }
}
