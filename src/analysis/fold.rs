//! Per-term folds: small named steps that make spelling variants meet.
//!
//! Each field's analyzer is an explicit list of these (see `FieldKind::folds`), so
//! an evaluation can switch one off by name and measure what it is worth. Folds
//! change a term's text only, never its offsets.

/// One named folding step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fold {
    /// `三` → `3`, `十` → `10`: numerals written in kanji meet digits.
    KanjiNumeral,
    /// `引き落とし`, `引落し` → `引落`; `問い合わせ` → `問合`: okurigana dropped from
    /// words with two or more kanji, where Japanese spelling varies freely.
    Okurigana,
    /// Katakana → hiragana: `クレカ` meets `くれか`.
    Hiragana,
    /// The long-vowel mark is dropped: `かーど` meets `かど`, as members type it.
    LongVowel,
    /// Small kana → large: `しゅ` meets `しゆ` (typos, old-style readings).
    SmallKana,
}

impl Fold {
    /// Every fold, for listing and for switching off by name.
    pub const ALL: [Fold; 5] = [
        Fold::KanjiNumeral,
        Fold::Okurigana,
        Fold::Hiragana,
        Fold::LongVowel,
        Fold::SmallKana,
    ];

    /// The name used on the command line (`--without-fold`).
    pub fn name(self) -> &'static str {
        match self {
            Fold::KanjiNumeral => "kanji-numeral",
            Fold::Okurigana => "okurigana",
            Fold::Hiragana => "hiragana",
            Fold::LongVowel => "long-vowel",
            Fold::SmallKana => "small-kana",
        }
    }

    /// Applies the fold to one term.
    ///
    /// ```
    /// use kotae::analysis::fold::Fold;
    /// assert_eq!(Fold::Hiragana.apply("クレカ"), "くれか");
    /// assert_eq!(Fold::Okurigana.apply("引き落とし"), "引落");
    /// ```
    pub fn apply(self, term: &str) -> String {
        match self {
            Fold::KanjiNumeral => kanji_numeral(term),
            Fold::Okurigana => okurigana(term),
            Fold::Hiragana => term.chars().map(to_hiragana).collect(),
            Fold::LongVowel => term.chars().filter(|&c| c != 'ー').collect(),
            Fold::SmallKana => term.chars().map(to_large_kana).collect(),
        }
    }
}

/// True for CJK unified ideographs (and the iteration mark 々).
pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

/// True for hiragana letters.
pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}')
}

/// True for katakana letters and the long-vowel mark.
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// Katakana letter → hiragana letter; anything else unchanged.
pub fn to_hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

fn to_large_kana(c: char) -> char {
    match c {
        'ぁ' => 'あ',
        'ぃ' => 'い',
        'ぅ' => 'う',
        'ぇ' => 'え',
        'ぉ' => 'お',
        'っ' => 'つ',
        'ゃ' => 'や',
        'ゅ' => 'ゆ',
        'ょ' => 'よ',
        'ゎ' => 'わ',
        'ゕ' => 'か',
        'ゖ' => 'け',
        'ぢ' => 'じ',
        'づ' => 'ず',
        other => other,
    }
}

/// Kanji digits, in value order.
const KANJI_DIGITS: &str = "〇一二三四五六七八九";

/// Whether `c` is a kanji numeral (`三`, `十`, `百`).
pub fn is_kanji_numeral(c: char) -> bool {
    KANJI_DIGITS.contains(c) || matches!(c, '十' | '百' | '千')
}

fn kanji_numeral(term: &str) -> String {
    const DIGITS: &str = KANJI_DIGITS;
    let mut chars = term.chars();
    match (chars.next(), chars.next()) {
        (Some('十'), None) => "10".to_string(),
        (Some(c), None) => match DIGITS.chars().position(|d| d == c) {
            Some(value) => value.to_string(),
            None => term.to_string(),
        },
        _ => term.to_string(),
    }
}

fn okurigana(term: &str) -> String {
    let kanji = term.chars().filter(|&c| is_kanji(c)).count();
    let only_kanji_and_hiragana = term.chars().all(|c| is_kanji(c) || is_hiragana(c));
    let starts_with_kanji = term.chars().next().is_some_and(is_kanji);
    if kanji >= 2 && only_kanji_and_hiragana && starts_with_kanji {
        term.chars().filter(|&c| is_kanji(c)).collect()
    } else {
        term.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(Fold, &str, &str)] = &[
        (Fold::KanjiNumeral, "三", "3"),
        (Fold::KanjiNumeral, "十", "10"),
        (Fold::KanjiNumeral, "三月", "三月"),
        (Fold::Okurigana, "引き落とし", "引落"),
        (Fold::Okurigana, "引落し", "引落"),
        (Fold::Okurigana, "引落", "引落"),
        (Fold::Okurigana, "問い合わせ", "問合"),
        (Fold::Okurigana, "届く", "届く"),
        (Fold::Okurigana, "お問い合わせ", "お問い合わせ"),
        (Fold::Hiragana, "クレカ", "くれか"),
        (Fold::Hiragana, "カード情報", "かーど情報"),
        (Fold::LongVowel, "かーど", "かど"),
        (Fold::SmallKana, "しゅっし", "しゆつし"),
    ];

    #[test]
    fn each_fold_alone() {
        for (fold, input, expected) in CASES {
            assert_eq!(fold.apply(input), *expected, "{} on {input}", fold.name());
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = Fold::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Fold::ALL.len());
    }
}
