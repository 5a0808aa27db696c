//! Japanese language knowledge as data: the word lists of `lang/ja/*.txt`.
//!
//! Each file holds one list, one entry per line, with a `#` header saying what it
//! is; a table's fields are separated by spaces. The files are compiled in and
//! parsed at start; their text is part of the analyzer's fingerprint, so an index
//! built with other lists is never opened. A FAQ directory may add words to any
//! list with a file of the same name (`faq/stopwords.txt`): what only one FAQ needs
//! lives with that FAQ, not here.

use std::collections::BTreeMap;

use regex::Regex;
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
    (
        "asked_facts.txt",
        include_str!("../lang/ja/asked_facts.txt"),
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

/// A kind of fact a question can ask for (`asked_facts.txt`): the words that ask
/// for it and what an entry's text says when it states one.
#[derive(Debug, Clone)]
pub struct AskedFact {
    /// Its name (`price`).
    pub kind: String,
    /// Matches the words that ask for it (`いくら`).
    pub asks: Regex,
    /// Matches somewhere in a text that states one (`円`).
    pub states: Regex,
}

impl AskedFact {
    /// Whether `text` asks for this kind of fact: the pattern matches a stretch of
    /// it that starts and ends between words (`is_boundary`, byte offsets), so
    /// `いつ` asks in `いつ頃` and not in `いつも`.
    pub fn asked_in(&self, text: &str, is_boundary: impl Fn(usize) -> bool) -> bool {
        self.asks
            .find_iter(text)
            .any(|m| is_boundary(m.start()) && is_boundary(m.end()))
    }
}

/// The kinds of `asked_facts.txt`, each kind's patterns of every text joined into
/// one; a pattern that is not a regular expression is a problem reported for the
/// text it came from.
pub fn asked_facts<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> std::result::Result<Vec<AskedFact>, String> {
    let mut patterns: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for line in texts.into_iter().flat_map(lines) {
        let mut fields = line.split_whitespace();
        let (Some(kind), Some(side), Some(pattern)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(format!("`{line}`: expected `<kind> asks|states <pattern>`"));
        };
        Regex::new(pattern).map_err(|e| format!("`{line}`: {e}"))?;
        let at = match patterns.iter().position(|(k, _, _)| k == kind) {
            Some(at) => at,
            None => {
                patterns.push((kind.to_string(), Vec::new(), Vec::new()));
                patterns.len() - 1
            }
        };
        match side {
            "asks" => patterns[at].1.push(pattern.to_string()),
            "states" => patterns[at].2.push(pattern.to_string()),
            other => {
                return Err(format!(
                    "`{line}`: `{other}` is neither `asks` nor `states`"
                ));
            }
        }
    }
    patterns
        .into_iter()
        .filter(|(_, asks, states)| !asks.is_empty() && !states.is_empty())
        .map(|(kind, asks, states)| {
            let either = |p: &[String]| {
                p.iter()
                    .map(|p| format!("(?:{p})"))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            Ok(AskedFact {
                asks: Regex::new(&either(&asks)).map_err(|e| e.to_string())?,
                states: Regex::new(&either(&states)).map_err(|e| e.to_string())?,
                kind,
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
    /// Facts a question can ask for that an entry must state (`asked_facts.txt`).
    pub asked_facts: Vec<AskedFact>,
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
            // A FAQ's additions are checked when its directory is read
            // (`faq::read_lang_additions`), the general list by a test; added
            // patterns that do not parse leave the general list in force.
            asked_facts: asked_facts(texts("asked_facts.txt"))
                .or_else(|_| asked_facts(texts("asked_facts.txt").into_iter().take(1)))
                .unwrap_or_default(),
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
    fn a_price_question_asks_for_what_an_amount_states() {
        let facts = Lang::default().asked_facts;
        let price = facts
            .iter()
            .find(|f| f.kind == "price")
            .expect("price kind");
        let between_words = |text: &'static str, words: &'static [usize]| {
            move |at: usize| at == 0 || at == text.len() || words.contains(&at)
        };
        assert!(price.asked_in("いくら", between_words("いくら", &[])));
        assert!(!price.asked_in("いくらか", between_words("いくらか", &[])));
        assert!(price.states.is_match("一枚500円です"));
        assert!(!price.states.is_match("劇場の売店で販売しています"));
        let when = facts.iter().find(|f| f.kind == "when").expect("when kind");
        assert!(when.asked_in("いつ頃", between_words("いつ頃", &[3, 6])));
        assert!(!when.asked_in("いつも", between_words("いつも", &[])));
    }

    #[test]
    fn a_faq_adds_patterns_to_a_kind_and_a_bad_pattern_is_a_problem() {
        let added = asked_facts([
            "price asks いくら\nprice states 円\n",
            "price asks お値段\nparking asks 駐車\n",
        ])
        .expect("valid");
        assert_eq!(added.len(), 1, "a kind without `states` is left out");
        assert!(added[0].asks.is_match("お値段") && added[0].asks.is_match("いくら"));
        assert!(asked_facts(["price asks (円\n"]).is_err());
        assert!(asked_facts(["price costs 円\n"]).is_err());
        assert!(asked_facts(["price asks\n"]).is_err());
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
