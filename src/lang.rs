//! Japanese language knowledge as data: the word lists of `lang/ja/*.txt`.
//!
//! Each file holds one list, one entry per line, with a `#` header saying what it
//! is; a table's fields are separated by spaces. The files are compiled in and
//! parsed at start; their text is part of the analyzer's fingerprint, so an index
//! built with other lists is never opened. A FAQ directory may add words to any
//! list with a file of the same name (`faq/stopwords.txt`): what only one FAQ needs
//! lives with that FAQ, not here.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

/// Every list: its file name and its text.
pub const FILES: &[(&str, &str)] = &[
    ("stopwords.txt", include_str!("../lang/ja/stopwords.txt")),
    (
        "date_counters.txt",
        include_str!("../lang/ja/date_counters.txt"),
    ),
    (
        "interrogative_pronouns.txt",
        include_str!("../lang/ja/interrogative_pronouns.txt"),
    ),
    (
        "procedure_nouns.txt",
        include_str!("../lang/ja/procedure_nouns.txt"),
    ),
    (
        "knowing_verbs.txt",
        include_str!("../lang/ja/knowing_verbs.txt"),
    ),
    (
        "auxiliary_verbs.txt",
        include_str!("../lang/ja/auxiliary_verbs.txt"),
    ),
    (
        "where_or_how.txt",
        include_str!("../lang/ja/where_or_how.txt"),
    ),
    (
        "what_pronouns.txt",
        include_str!("../lang/ja/what_pronouns.txt"),
    ),
    (
        "which_adnominals.txt",
        include_str!("../lang/ja/which_adnominals.txt"),
    ),
    ("list_nouns.txt", include_str!("../lang/ja/list_nouns.txt")),
    ("not_things.txt", include_str!("../lang/ja/not_things.txt")),
    (
        "what_is_endings.txt",
        include_str!("../lang/ja/what_is_endings.txt"),
    ),
    (
        "question_words.txt",
        include_str!("../lang/ja/question_words.txt"),
    ),
    (
        "kana_question_words.txt",
        include_str!("../lang/ja/kana_question_words.txt"),
    ),
    (
        "kana_endings.txt",
        include_str!("../lang/ja/kana_endings.txt"),
    ),
    (
        "kana_particles.txt",
        include_str!("../lang/ja/kana_particles.txt"),
    ),
    (
        "status_question_words.txt",
        include_str!("../lang/ja/status_question_words.txt"),
    ),
    ("ra_nuki.txt", include_str!("../lang/ja/ra_nuki.txt")),
    ("exposed.txt", include_str!("../lang/ja/exposed.txt")),
    (
        "loanword_sounds.txt",
        include_str!("../lang/ja/loanword_sounds.txt"),
    ),
];

/// The entries of one list's text: lines without comments, trimmed, non-empty.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
}

/// A set of words.
#[derive(Debug, Clone, Default)]
pub struct Words {
    words: FxHashSet<String>,
    ordered: Vec<String>,
}

impl Words {
    fn parse<'a>(texts: impl IntoIterator<Item = &'a str>) -> Words {
        let mut list = Words::default();
        for word in texts.into_iter().flat_map(lines) {
            if list.words.insert(word.to_string()) {
                list.ordered.push(word.to_string());
            }
        }
        list
    }

    /// Whether `word` is in the list.
    pub fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// The words in file order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ordered.iter().map(String::as_str)
    }
}

/// A rewrite of one verb: the verb as analyzed, the term it becomes, its reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The base form as IPADIC gives it.
    pub from: String,
    /// The term it becomes.
    pub to: String,
    /// That term's reading (katakana).
    pub reading: String,
}

fn rewrites<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Rewrite> {
    texts
        .into_iter()
        .flat_map(lines)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            Some(Rewrite {
                from: fields.next()?.to_string(),
                to: fields.next()?.to_string(),
                reading: fields.next()?.to_string(),
            })
        })
        .collect()
}

/// The language knowledge in force: the general lists plus a FAQ's additions.
#[derive(Debug, Clone)]
pub struct Lang {
    /// Words that carry no topic (`stopwords.txt`).
    pub stop_words: Words,
    /// Counters that follow a number in dates (`date_counters.txt`).
    pub date_counters: Words,
    /// Pronouns that ask (`interrogative_pronouns.txt`).
    pub interrogative_pronouns: Words,
    /// Nouns that ask for a procedure (`procedure_nouns.txt`).
    pub procedure_nouns: Words,
    /// Verbs that ask to know, not to do (`knowing_verbs.txt`).
    pub knowing_verbs: Words,
    /// Verbs that carry only the request or voice (`auxiliary_verbs.txt`).
    pub auxiliary_verbs: Words,
    /// Interrogatives asking where or how (`where_or_how.txt`).
    pub where_or_how: Words,
    /// The pronoun "what" (`what_pronouns.txt`).
    pub what_pronouns: Words,
    /// Adnominals asking which kind (`which_adnominals.txt`).
    pub which_adnominals: Words,
    /// Nouns asking for a list (`list_nouns.txt`).
    pub list_nouns: Words,
    /// Nouns after 何 that are not things (`not_things.txt`).
    pub not_things: Words,
    /// Endings asking what a noun is (`what_is_endings.txt`).
    pub what_is_endings: Words,
    /// Interrogatives (`question_words.txt`).
    pub question_words: Words,
    /// Interrogatives typed in kana (`kana_question_words.txt`).
    pub kana_question_words: Words,
    /// Endings of casual kana questions (`kana_endings.txt`).
    pub kana_endings: Words,
    /// Kana particles (`kana_particles.txt`).
    pub kana_particles: Vec<char>,
    /// Question words asking how something stands (`status_question_words.txt`).
    pub status_question_words: Words,
    /// Casual potentials without ら (`ra_nuki.txt`).
    pub ra_nuki: Vec<Rewrite>,
    /// Verbs whose passive past is its own word (`exposed.txt`).
    pub exposed: Vec<Rewrite>,
    /// How Latin spellings sound in kana, in order (`loanword_sounds.txt`).
    pub loanword_sounds: Vec<(String, String)>,
}

impl Default for Lang {
    fn default() -> Self {
        Lang::with_additions(&BTreeMap::new())
    }
}

impl Lang {
    /// The general lists, each extended by `additions[file name]` when present.
    pub fn with_additions(additions: &BTreeMap<String, String>) -> Lang {
        let texts = |name: &str| {
            let general = FILES
                .iter()
                .find(|(file, _)| *file == name)
                .map_or("", |(_, text)| text);
            [general, additions.get(name).map_or("", String::as_str)]
        };
        let words = |name: &str| Words::parse(texts(name));
        Lang {
            stop_words: words("stopwords.txt"),
            date_counters: words("date_counters.txt"),
            interrogative_pronouns: words("interrogative_pronouns.txt"),
            procedure_nouns: words("procedure_nouns.txt"),
            knowing_verbs: words("knowing_verbs.txt"),
            auxiliary_verbs: words("auxiliary_verbs.txt"),
            where_or_how: words("where_or_how.txt"),
            what_pronouns: words("what_pronouns.txt"),
            which_adnominals: words("which_adnominals.txt"),
            list_nouns: words("list_nouns.txt"),
            not_things: words("not_things.txt"),
            what_is_endings: words("what_is_endings.txt"),
            question_words: words("question_words.txt"),
            kana_question_words: words("kana_question_words.txt"),
            kana_endings: words("kana_endings.txt"),
            kana_particles: words("kana_particles.txt")
                .iter()
                .filter_map(|w| w.chars().next())
                .collect(),
            status_question_words: words("status_question_words.txt"),
            ra_nuki: rewrites(texts("ra_nuki.txt")),
            exposed: rewrites(texts("exposed.txt")),
            loanword_sounds: texts("loanword_sounds.txt")
                .into_iter()
                .flat_map(lines)
                .filter_map(|line| {
                    let mut fields = line.split_whitespace();
                    let from = fields.next()?.to_string();
                    Some((from, fields.next().unwrap_or("").to_string()))
                })
                .collect(),
        }
    }

    /// Every list's text (general and added), for the analyzer's fingerprint.
    pub fn fingerprint(additions: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        for (name, text) in FILES {
            out.push_str(name);
            out.push_str(text);
            if let Some(added) = additions.get(*name) {
                out.push_str(added);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_a_header_saying_what_it_is() {
        for (name, text) in FILES {
            assert!(text.starts_with("# "), "{name} has no header");
        }
    }

    #[test]
    fn comments_and_blank_lines_are_not_words() {
        let words = Words::parse(["# header\n\nする # light verb\n  ある\n"]);
        assert_eq!(words.iter().collect::<Vec<_>>(), ["する", "ある"]);
    }

    #[test]
    fn a_faq_adds_to_a_list_without_replacing_it() {
        let general = Lang::default();
        assert!(general.stop_words.contains("する"));
        assert!(!general.stop_words.contains("必要"));
        let mut additions = BTreeMap::new();
        additions.insert("stopwords.txt".to_string(), "必要\n".to_string());
        let extended = Lang::with_additions(&additions);
        assert!(extended.stop_words.contains("する"));
        assert!(extended.stop_words.contains("必要"));
    }

    #[test]
    fn rewrites_read_three_fields() {
        let read = rewrites(["# h\n見れる 見る ミル\nbroken line\n"]);
        assert_eq!(
            read,
            [Rewrite {
                from: "見れる".into(),
                to: "見る".into(),
                reading: "ミル".into()
            }]
        );
    }
}
