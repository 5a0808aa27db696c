//! Text → terms, as a chain: the normalizer (`normalize.rs`) → lindera (parts of
//! speech parsed into [`pos::Pos`]) → the token filters of [`TOKEN_FILTERS`]
//! (`filters.rs`), which also mark content words → each field's folds
//! ([`FieldKind::folds`], `fold.rs`). One analyzer serves indexing and querying, so
//! both sides of a match always see the same terms.
//!
//! Fields and why each exists:
//! - [`FieldKind::Terms`]: base forms of content words (`漏れた` → `漏れる`). The
//!   main evidence: particles, auxiliaries, symbols and question boilerplate
//!   (`教えてください`) are dropped, so what is left is what the question is about.
//! - [`FieldKind::Reading`]: the same words as hiragana readings, so `でんわ` meets
//!   `電話` and `ろうえい` meets `漏えい`.
//! - [`FieldKind::KanaGram`]: bigrams of the whole text's reading. All-hiragana input
//!   is segmented into junk; its reading still shares bigrams with the FAQ's.
//! - [`FieldKind::CharGram`]: bigrams of the normalized surface text, for unknown
//!   words and typos.

mod filters;
pub mod fold;
pub mod normalize;
pub mod pos;
mod tokenizer;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use lindera::dictionary::{Dictionary, UserDictionary};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use lindera_dictionary::viterbi::Lattice;
use serde::Serialize;

use crate::dictionary;
use crate::error::{Error, Result};
use crate::lang::Lang;
pub use filters::{CONDITIONAL, DEGREE, EXTENT, TOKEN_FILTERS};
use fold::Fold;
use pos::Pos;
pub use tokenizer::{JaTokenizer, register};

/// The kinds of analyzed field kotae indexes and queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Base forms of content words.
    Terms,
    /// Hiragana readings of content words.
    Reading,
    /// Bigrams of the reading of the whole text.
    KanaGram,
    /// Bigrams of the normalized surface text.
    CharGram,
}

impl FieldKind {
    /// Every field kind, in the order `explain` shows them.
    pub const ALL: [FieldKind; 4] = [
        FieldKind::Terms,
        FieldKind::Reading,
        FieldKind::KanaGram,
        FieldKind::CharGram,
    ];

    /// The name the tantivy tokenizer for this kind is registered under.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            FieldKind::Terms => "ja_terms",
            FieldKind::Reading => "ja_reading",
            FieldKind::KanaGram => "ja_kana2",
            FieldKind::CharGram => "ja_char2",
        }
    }

    /// The folds applied to each term of this kind, in order.
    pub fn folds(self) -> &'static [Fold] {
        match self {
            FieldKind::Terms => &[Fold::KanjiNumeral, Fold::Okurigana, Fold::Hiragana],
            FieldKind::Reading | FieldKind::KanaGram => {
                &[Fold::Hiragana, Fold::LongVowel, Fold::SmallKana]
            }
            FieldKind::CharGram => &[Fold::KanjiNumeral, Fold::Hiragana],
        }
    }
}

/// One morpheme as lindera saw it, with offsets into the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Morpheme {
    /// The text as segmented (after normalization).
    pub surface: String,
    /// Dictionary form (`漏れ` → `漏れる`); the surface when the dictionary has none.
    pub base: String,
    /// Katakana reading; empty for unknown words.
    pub reading: String,
    /// Part of speech and its subcategories.
    pub pos: Pos,
    /// Whether this morpheme counts as content (see `filters::is_content`).
    pub content: bool,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range in the original text.
    pub end: usize,
}

/// One analyzed term of a field, with offsets into the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    /// The term as indexed.
    pub text: String,
    /// Byte offset in the original text where it starts.
    pub start: usize,
    /// Byte offset in the original text where it ends.
    pub end: usize,
}

/// Every field's terms of one text, from a single segmentation.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The normalized text.
    pub normalized: String,
    /// All morphemes, content or not.
    pub morphemes: Vec<Morpheme>,
    /// [`FieldKind::Terms`] terms; aligned one-to-one with `readings`.
    pub terms: Vec<Term>,
    /// [`FieldKind::Reading`] terms.
    pub readings: Vec<Term>,
    /// [`FieldKind::KanaGram`] terms (only for all-hiragana text, unless from
    /// [`Analyzer::analyze_all`]).
    pub kana_grams: Vec<Term>,
    /// [`FieldKind::CharGram`] terms (empty unless from [`Analyzer::analyze_all`]).
    pub char_grams: Vec<Term>,
    /// The language data the text was analyzed with, for the stages that read its
    /// form (what it asks, its predicate).
    #[serde(skip)]
    pub lang: Arc<Lang>,
}

/// Japanese analyzer over a shared lindera segmenter; cheap to clone.
#[derive(Clone)]
pub struct Analyzer {
    inner: Arc<Inner>,
}

struct Inner {
    segmenter: Segmenter,
    disabled: HashSet<Fold>,
    lang: Arc<Lang>,
    /// The language data's text, for [`Analyzer::fingerprint`].
    lang_text: String,
}

impl Analyzer {
    /// Builds an analyzer from an opened dictionary and an optional user dictionary.
    pub fn new(dictionary: Dictionary, user_dictionary: Option<UserDictionary>) -> Self {
        Self::with_disabled_folds(
            dictionary,
            user_dictionary,
            HashSet::new(),
            &BTreeMap::new(),
        )
    }

    /// Compiles (first time) and opens IPADIC from `ipadic_src` into `cache`, adds the
    /// user dictionary (`(csv text, its path for errors)`), and builds the analyzer
    /// with the language data extended by a FAQ's `lang` additions.
    pub fn load(
        ipadic_src: &Path,
        cache: &Path,
        user_dictionary: Option<(&str, &Path)>,
        disabled: HashSet<Fold>,
        lang: &BTreeMap<String, String>,
    ) -> Result<Analyzer> {
        let compiled = dictionary::ensure_compiled(ipadic_src, cache)?;
        let system = dictionary::open(&compiled)?;
        let user = user_dictionary
            .map(|(csv, path)| dictionary::user_dictionary(csv, path))
            .transpose()?;
        Ok(Self::with_disabled_folds(system, user, disabled, lang))
    }

    /// Like [`Analyzer::new`], with some folds switched off (for ablation runs) and
    /// the language data extended by `lang` (file name → added words).
    pub fn with_disabled_folds(
        dictionary: Dictionary,
        user_dictionary: Option<UserDictionary>,
        disabled: HashSet<Fold>,
        lang: &BTreeMap<String, String>,
    ) -> Self {
        let segmenter = Segmenter::new(Mode::Normal, dictionary, user_dictionary);
        Analyzer {
            inner: Arc::new(Inner {
                segmenter,
                disabled,
                lang: Arc::new(Lang::with_additions(lang)),
                lang_text: Lang::fingerprint(lang),
            }),
        }
    }

    /// The language data in force.
    pub fn lang(&self) -> &Arc<Lang> {
        &self.inner.lang
    }

    /// Segments `text` into morphemes (for `kotae tokenize` and the term fields).
    pub fn morphemes(&self, text: &str) -> Result<Vec<Morpheme>> {
        let normalized = normalize::normalize(text);
        self.morphemes_of(&normalized)
    }

    /// The analysis chain's first half: the normalized text → lindera → the
    /// token filters of [`filters::TOKEN_FILTERS`].
    fn morphemes_of(&self, normalized: &normalize::Normalized) -> Result<Vec<Morpheme>> {
        // One lattice per thread, reused: segmentation then allocates nothing for it.
        thread_local! {
            static LATTICE: RefCell<Lattice> = RefCell::new(Lattice::default());
        }
        let tokens = LATTICE
            .with(|lattice| {
                self.inner.segmenter.segment_with_lattice(
                    Cow::Borrowed(normalized.text.as_str()),
                    &mut lattice.borrow_mut(),
                )
            })
            .map_err(|e| Error::Analysis(e.to_string()))?;
        let lang = &self.inner.lang;
        let mut morphemes: Vec<Morpheme> = Vec::with_capacity(tokens.len());
        for mut token in tokens {
            let surface = token.surface.to_string();
            if surface.trim().is_empty() {
                continue;
            }
            let mut field = |i: usize| {
                token
                    .get_detail(i)
                    .filter(|v| !v.is_empty() && *v != "*" && *v != "UNK")
                    .map(str::to_string)
            };
            let pos = Pos::parse((0..4).filter_map(&mut field).collect());
            let base = field(6).unwrap_or_else(|| surface.clone());
            let reading = field(7).unwrap_or_default();
            let (start, end) = normalized.original_range(token.byte_start, token.byte_end);
            let mut morpheme = Morpheme {
                content: filters::is_content(lang, &pos, &base, &surface),
                surface,
                base,
                reading,
                pos,
                start,
                end,
            };
            if filters::run(&mut morpheme, &mut morphemes, lang) {
                morphemes.push(morpheme);
            }
        }
        Ok(morphemes)
    }

    /// Analyzes `text` into the terms of one field kind.
    pub fn terms(&self, text: &str, kind: FieldKind) -> Result<Vec<Term>> {
        let normalized = normalize::normalize(text);
        if kind == FieldKind::CharGram {
            return Ok(self.char_grams(&normalized));
        }
        let morphemes = self.morphemes_of(&normalized)?;
        Ok(match kind {
            FieldKind::Terms => morphemes
                .iter()
                .filter(|m| m.content)
                .map(|m| self.term(&m.base, kind, m.start, m.end))
                .collect(),
            FieldKind::Reading => morphemes
                .iter()
                .filter(|m| m.content)
                .map(|m| self.term(&base_reading(m), kind, m.start, m.end))
                .collect(),
            FieldKind::KanaGram => self.kana_grams(&morphemes),
            FieldKind::CharGram => Vec::new(),
        })
    }

    /// Analyzes `text` once for the query path: terms and readings, and kana
    /// bigrams only for all-hiragana text (the only case where they are queried).
    /// Character bigrams are left out; [`Analyzer::analyze_all`] has everything.
    pub fn analyze(&self, text: &str) -> Result<Analysis> {
        self.analysis(text, false)
    }

    /// Analyzes `text` into every field's terms (for `explain`).
    pub fn analyze_all(&self, text: &str) -> Result<Analysis> {
        self.analysis(text, true)
    }

    fn analysis(&self, text: &str, everything: bool) -> Result<Analysis> {
        let normalized = normalize::normalize(text);
        let morphemes = self.morphemes_of(&normalized)?;
        let content: Vec<&Morpheme> = morphemes.iter().filter(|m| m.content).collect();
        let kana_grams = if everything || is_kana_heavy(&normalized.text) {
            self.kana_grams(&morphemes)
        } else {
            Vec::new()
        };
        let char_grams = if everything {
            self.char_grams(&normalized)
        } else {
            Vec::new()
        };
        Ok(Analysis {
            terms: content
                .iter()
                .map(|m| self.term(&m.base, FieldKind::Terms, m.start, m.end))
                .collect(),
            readings: content
                .iter()
                .map(|m| self.term(&base_reading(m), FieldKind::Reading, m.start, m.end))
                .collect(),
            kana_grams,
            char_grams,
            normalized: normalized.text,
            morphemes,
            lang: self.inner.lang.clone(),
        })
    }

    /// A text that changes whenever analysis may change its output: the analysis
    /// source code itself, the language data, plus the output on a probe sentence
    /// (which reflects the dictionary), and the folds switched off (the user
    /// dictionary is part of the FAQ's content hash). The index records it,
    /// so an index built by other analysis is never opened.
    pub fn fingerprint(&self) -> String {
        const SOURCES: [&str; 6] = [
            include_str!("mod.rs"),
            include_str!("filters.rs"),
            include_str!("pos.rs"),
            include_str!("fold.rs"),
            include_str!("normalize.rs"),
            include_str!("tokenizer.rs"),
        ];
        const PROBE: &str =
            "ｶﾀｶﾅで書いたら？ 申し込みは三ヶ月、ちょっとでんわばんごう。Credit ＣＡＲＤ";
        let mut out: String = SOURCES.concat();
        out.push_str(&self.inner.lang_text);
        let mut disabled: Vec<&str> = self.inner.disabled.iter().map(|f| f.name()).collect();
        disabled.sort_unstable();
        out.push_str(&disabled.join(","));
        for kind in FieldKind::ALL {
            for term in self.terms(PROBE, kind).unwrap_or_default() {
                out.push_str(&term.text);
                out.push('|');
            }
            out.push('/');
        }
        out
    }

    /// Applies a field's enabled folds to one string.
    pub fn fold(&self, text: &str, kind: FieldKind) -> String {
        let mut folded = text.to_string();
        for fold in kind.folds() {
            if !self.inner.disabled.contains(fold) {
                folded = fold.apply(&folded);
            }
        }
        folded
    }

    fn term(&self, text: &str, kind: FieldKind, start: usize, end: usize) -> Term {
        Term {
            text: self.fold(text, kind),
            start,
            end,
        }
    }

    /// Bigrams over runs of kana in the reading of every morpheme.
    fn kana_grams(&self, morphemes: &[Morpheme]) -> Vec<Term> {
        let mut chars: Vec<(char, usize, usize)> = Vec::new();
        let mut grams = Vec::new();
        for m in morphemes {
            let reading = self.fold(reading_or_surface(m), FieldKind::KanaGram);
            if reading.chars().all(fold::is_hiragana) {
                chars.extend(reading.chars().map(|c| (c, m.start, m.end)));
            } else {
                push_bigrams(&chars, &mut grams);
                chars.clear();
            }
        }
        push_bigrams(&chars, &mut grams);
        grams
    }

    /// Bigrams over runs of letters (kanji, kana, Latin, digits) in the normalized text.
    fn char_grams(&self, normalized: &normalize::Normalized) -> Vec<Term> {
        let mut chars: Vec<(char, usize, usize)> = Vec::new();
        let mut grams = Vec::new();
        for (offset, c) in normalized.text.char_indices() {
            if c.is_alphanumeric() {
                let (start, end) = normalized.original_range(offset, offset + c.len_utf8());
                let folded = self.fold(&c.to_string(), FieldKind::CharGram);
                chars.extend(folded.chars().map(|f| (f, start, end)));
            } else {
                push_bigrams(&chars, &mut grams);
                chars.clear();
            }
        }
        push_bigrams(&chars, &mut grams);
        grams
    }
}

fn reading_or_surface(m: &Morpheme) -> &str {
    if m.reading.is_empty() {
        &m.surface
    } else {
        &m.reading
    }
}

impl Morpheme {
    /// The reading of the base form (katakana), see `base_reading`.
    pub fn base_reading(&self) -> String {
        base_reading(self)
    }

    /// The reading of the surface (katakana), or the surface when unknown.
    pub fn surface_reading(&self) -> &str {
        reading_or_surface(self)
    }
}

/// Whether a text is written (almost) only in hiragana, as some members type on
/// phones, or only in katakana, as old phones type half-width `ｺｼﾞﾝｼﾞｮｳﾎｳ ﾓﾚﾀﾉ`:
/// segmentation of such text is unreliable, so the matcher respells it.
pub fn is_kana_heavy(normalized: &str) -> bool {
    let letters: Vec<char> = normalized.chars().filter(|c| c.is_alphanumeric()).collect();
    let share = |test: fn(char) -> bool| letters.iter().filter(|&&c| test(c)).count() * 10;
    letters.len() >= 4
        && !letters.iter().any(|&c| fold::is_kanji(c))
        && (share(fold::is_hiragana) >= letters.len() * 8
            || share(fold::is_katakana) >= letters.len() * 8)
}

/// The reading of a morpheme's base form: IPADIC reads the surface (`漏れ` →
/// `モレ`), so the inflected tail is swapped for the base form's (`モレル`).
fn base_reading(m: &Morpheme) -> String {
    if m.reading.is_empty() || m.surface == m.base {
        return reading_or_surface(m).to_string();
    }
    let common = m
        .surface
        .chars()
        .zip(m.base.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let surface_tail: Vec<char> = m.surface.chars().skip(common).collect();
    let base_tail: String = m.base.chars().skip(common).collect();
    let kana = |c: &char| fold::is_hiragana(*c) || fold::is_katakana(*c);
    let reading: Vec<char> = m.reading.chars().collect();
    if !surface_tail.iter().all(kana)
        || !base_tail.chars().all(|c| kana(&c))
        || surface_tail.len() > reading.len()
    {
        return m.reading.clone();
    }
    let stem: String = reading[..reading.len() - surface_tail.len()]
        .iter()
        .collect();
    format!("{stem}{base_tail}")
}

fn push_bigrams(chars: &[(char, usize, usize)], out: &mut Vec<Term>) {
    for pair in chars.windows(2) {
        out.push(Term {
            text: [pair[0].0, pair[1].0].iter().collect(),
            start: pair[0].1,
            end: pair[1].2,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    fn texts(terms: Vec<Term>) -> Vec<String> {
        terms.into_iter().map(|t| t.text).collect()
    }

    /// Japanese in, content terms out: what the main field indexes.
    const TERMS: &[(&str, &[&str])] = &[
        ("個人情報が漏れた", &["個人", "情報", "漏れる"]),
        (
            "クレジットカードの情報は大丈夫ですか",
            &["くれじっとかーど", "情報", "大丈夫"],
        ),
        ("ｶｰﾄﾞ情報", &["かーど", "情報"]),
        ("ﾃﾞｰﾀ", &["でーた"]),
        ("引き落とし口座を教えてください", &["引落", "口座"]),
        ("引落し口座", &["引落", "口座"]),
        ("三か月", &["3"]),
        ("３ヶ月", &["3"]),
        ("10月9日", &["10", "9"]),
        ("どのくらい漏れた", &["どのくらい", "漏れる"]),
        ("どの情報", &["どの", "情報"]),
        ("担当者と通話料", &["担当者", "通話料"]),
        ("何があったの", &["何", "起きる"]),
        ("何日", &["何日"]),
        ("電話すればいいですか", &["電話"]),
        ("漏れれば", &["漏れる", "もし"]),
        ("漏れるとどうなる", &["漏れる", "もし", "どう"]),
        ("漏れたかどうか知りたい", &["漏れる"]),
        ("どっから入ったの", &["どこ", "入る"]),
        ("漏れたかどうか教えて", &["漏れる"]),
        ("漏れたと聞いた", &["漏れる", "聞く"]),
        ("本当に今回漏れたの", &["漏れる"]),
        ("情報がある", &["情報"]),
        ("お知らせはどうやって来るの", &["お知らせ", "どう", "来る"]),
        ("ぶっちゃけ漏れたの", &["漏れる"]),
        ("なにが漏れたの", &["何", "漏れる"]),
        ("中身を見られたの", &["中身", "見られる"]),
        ("いつになったら直るの", &["いつ", "直る"]),
        ("どこで見られますか", &["どこ", "見る"]),
        ("どこで見れる", &["どこ", "見る"]),
        ("番号を知られたら", &["番号", "知られる", "もし"]),
        ("この件はあのときどうなった", &["件", "どう"]),
        (
            "ならっぴカードとeフレンズ",
            &["ならっぴかーど", "eふれんず"],
        ),
        (
            "出資金と組合員とコープ共済",
            &["出資金", "組合員", "こーぷ共済"],
        ),
        (
            "スマイルポイントとあったかポイント",
            &["すまいるぽいんと", "あったかぽいんと"],
        ),
        (
            "あをがきとならコープとフリーコールと引落口座",
            &["あをがき", "ならこーぷ", "ふりーこーる", "引落口座"],
        ),
        ("。、！？", &[]),
        (
            "情報が漏れたらどうなる",
            &["情報", "漏れる", "もし", "どう"],
        ),
    ];

    #[test]
    fn content_terms_table() {
        let analyzer = analyzer();
        for (text, expected) in TERMS {
            let terms = texts(analyzer.terms(text, FieldKind::Terms).unwrap());
            assert_eq!(terms, *expected, "text {text}");
        }
    }

    #[test]
    fn user_dictionary_words_are_single_tokens() {
        let analyzer = analyzer();
        for word in [
            "ならコープ",
            "ならっぴカード",
            "スマイルポイント",
            "あったかポイント",
            "eフレンズ",
            "あをがき",
            "引落口座",
            "出資金",
            "組合員",
            "フリーコール",
            "コープ共済",
        ] {
            let morphemes = analyzer.morphemes(&format!("{word}について")).unwrap();
            assert_eq!(morphemes[0].surface, word, "{word}: {morphemes:?}");
        }
    }

    #[test]
    fn readings_use_the_base_form_and_fold_kana() {
        let analyzer = analyzer();
        let readings = texts(
            analyzer
                .terms("電話番号が漏れた", FieldKind::Reading)
                .unwrap(),
        );
        assert_eq!(readings, ["でんわ", "ばんごう", "もれる"]);
        let readings = texts(analyzer.terms("カード", FieldKind::Reading).unwrap());
        assert_eq!(readings, ["かど"]);
    }

    #[test]
    fn hiragana_input_shares_kana_bigrams_with_kanji_text() {
        let analyzer = analyzer();
        let kanji = texts(analyzer.terms("電話番号", FieldKind::KanaGram).unwrap());
        let kana = texts(
            analyzer
                .terms("でんわばんごう", FieldKind::KanaGram)
                .unwrap(),
        );
        assert_eq!(kanji, kana);
    }

    #[test]
    fn kana_heavy_text_is_recognized() {
        assert!(is_kana_heavy("でんわばんごうおしえて"));
        assert!(is_kana_heavy("しすてむはなおった？"));
        assert!(!is_kana_heavy("電話番号をおしえて"));
        assert!(!is_kana_heavy("クレカ"));
        assert!(!is_kana_heavy("はい"));
    }

    #[test]
    fn char_bigrams_skip_punctuation_and_keep_offsets() {
        let analyzer = analyzer();
        let text = "ｶｰﾄﾞ、情報";
        let grams = analyzer.terms(text, FieldKind::CharGram).unwrap();
        let names: Vec<&str> = grams.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(names, ["かー", "ーど", "情報"]);
        let last = grams.last().unwrap();
        assert_eq!(&text[last.start..last.end], "情報");
    }

    #[test]
    fn term_offsets_point_into_the_typed_text() {
        let analyzer = analyzer();
        let text = "ＡＢＣのｸﾚｼﾞｯﾄｶｰﾄﾞ";
        for term in analyzer.terms(text, FieldKind::Terms).unwrap() {
            assert!(text.get(term.start..term.end).is_some(), "{term:?}");
        }
        let terms = analyzer.terms(text, FieldKind::Terms).unwrap();
        let card = terms.iter().find(|t| t.text == "くれじっとかーど").unwrap();
        assert_eq!(&text[card.start..card.end], "ｸﾚｼﾞｯﾄｶｰﾄﾞ");
    }

    #[test]
    fn odd_input_never_panics() {
        let analyzer = analyzer();
        let long = "あ".repeat(5000);
        for text in [
            "",
            " ",
            "\u{0}",
            "👨‍👩‍👧",
            "\u{202E}مرحبا",
            "e\u{301}",
            "ﾞﾞ",
            long.as_str(),
        ] {
            for kind in FieldKind::ALL {
                let _ = analyzer.terms(text, kind).unwrap();
            }
        }
    }
}
