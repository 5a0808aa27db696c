//! Redaction of personal data in free text before it is logged or stored.
//!
//! Members write their name, address, birth date, bank account, phone number,
//! e-mail address or member number into the question box, often while asking
//! whether exactly that data leaked. kotae never writes such text anywhere without
//! passing it through [`redact`] first, and the store only accepts [`Redacted`].
//!
//! Redaction is a chain of detectors over one prepared text, each returning spans
//! of a [`PiiKind`]; overlapping spans merge, and each span is replaced by a
//! placeholder naming its kind (`[氏名]`, `[住所]`…):
//! 1. [`patterns`]: what has a shape — e-mail addresses in the spellings members
//!    use (`＠`, `[at]`, `。com`), runs of digits (phones, postal codes, account and
//!    member numbers, kanji digits included) and dates that can only be birth dates.
//! 2. [`words`]: what needs the words — IPADIC's 人名 and 地名 parts of speech from
//!    the analyzer, names after markers (`名義`, `と申します`, `母の`), street
//!    addresses, bank and branch names, statements of gender. The marker words are
//!    data (`lang/ja/pii/*.txt`), not code.
//!
//! The text is NFKC-normalized first, so full-width digits and symbols are caught by
//! the same rules. Redaction errs on the side of removing too much: a redacted
//! question is read by editors, never matched again.

mod labels;
mod patterns;
mod words;

use unicode_normalization::UnicodeNormalization;

use crate::analysis::Analyzer;

/// A kind of personal data, as the notice lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiKind {
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A postal code.
    PostalCode,
    /// A birth date (or birth year).
    BirthDate,
    /// A street address or place of residence.
    Address,
    /// A bank, branch or account holder.
    Bank,
    /// A person's name.
    Name,
    /// A statement of gender.
    Gender,
    /// Any other number long enough to identify someone (member, account).
    Number,
}

impl PiiKind {
    /// The placeholder that replaces data of this kind.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[メールアドレス]",
            PiiKind::Phone => "[電話番号]",
            PiiKind::PostalCode => "[郵便番号]",
            PiiKind::BirthDate => "[生年月日]",
            PiiKind::Address => "[住所]",
            PiiKind::Bank => "[金融機関]",
            PiiKind::Name => "[氏名]",
            PiiKind::Gender => "[性別]",
            PiiKind::Number => "[番号]",
        }
    }
}

/// A stretch of the prepared text holding personal data, in character indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    kind: PiiKind,
}

/// Text that has been through [`redact`]: the only form in which a member's words
/// may be stored or logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// The redacted text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The redacted text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text the detectors read: NFKC-normalized, dashes between digits made
/// hyphens. `digits` is the same text, character for character, with kanji digits
/// (`〇九〇`) as ASCII digits, so number patterns see `090`.
struct Prepared {
    chars: Vec<char>,
    text: String,
    digits: String,
}

impl Prepared {
    fn new(raw: &str) -> Prepared {
        let mut chars: Vec<char> = Vec::with_capacity(raw.len());
        for c in raw.nfkc() {
            let dash = matches!(
                c,
                'ー' | '‐' | '‑' | '–' | '—' | '−' | '―' | '－' | '～' | '~'
            );
            let after_digit = chars
                .last()
                .is_some_and(|p| p.is_ascii_digit() || kanji_digit(*p).is_some());
            // Control and bidi characters are never content; kept, they could
            // drive the terminal of whoever reads the stored text.
            let invisible = c.is_control() || is_bidi_control(c);
            chars.push(if dash && after_digit {
                '-'
            } else if invisible {
                ' '
            } else {
                c
            });
        }
        let text: String = chars.iter().collect();
        let digits: String = chars.iter().map(|&c| kanji_digit(c).unwrap_or(c)).collect();
        Prepared {
            chars,
            text,
            digits,
        }
    }

    /// Character index of byte offset `byte` in `text` (and in `digits`, whose
    /// characters are the same in number).
    fn char_index(text: &str, byte: usize) -> usize {
        text[..byte.min(text.len())].chars().count()
    }
}

/// Unicode's bidirectional formatting characters (RLO and friends), which can make
/// stored text display as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The ASCII digit a kanji digit stands for (`〇`, `一`…`九`).
fn kanji_digit(c: char) -> Option<char> {
    let digit = match c {
        '〇' | '零' => '0',
        '一' => '1',
        '二' => '2',
        '三' => '3',
        '四' => '4',
        '五' => '5',
        '六' => '6',
        '七' => '7',
        '八' => '8',
        '九' => '9',
        _ => return None,
    };
    Some(digit)
}

/// Returns `text` with personal data replaced by placeholders. With an analyzer,
/// names, places and banks are found through their parts of speech too; without
/// one (tools that run without a dictionary), only the pattern detectors run.
pub fn redact(text: &str, analyzer: Option<&Analyzer>) -> Redacted {
    let prepared = Prepared::new(text.trim());
    let mut spans = patterns::spans(&prepared);
    spans.extend(labels::spans(&prepared));
    if let Some(analyzer) = analyzer {
        spans.extend(words::spans(&prepared, analyzer));
    }
    Redacted(replace(&prepared.chars, spans))
}

/// Replaces each merged span by its placeholder; where spans overlap, the union is
/// replaced once, named after the kind that comes first in [`PiiKind`]'s order.
fn replace(chars: &[char], mut spans: Vec<Span>) -> String {
    spans.retain(|s| s.start < s.end && s.end <= chars.len());
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => {
                last.end = last.end.max(span.end);
                last.kind = last.kind.min(span.kind);
            }
            _ => merged.push(span),
        }
    }
    let mut out = String::with_capacity(chars.len() * 3);
    let mut at = 0;
    for span in merged {
        out.extend(&chars[at..span.start]);
        out.push_str(span.kind.placeholder());
        at = span.end;
    }
    out.extend(&chars[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    fn full(text: &str) -> String {
        redact(text, Some(&analyzer())).into_string()
    }

    /// Text with personal data → what must not survive redaction.
    const CASES: &[(&str, &str)] = &[
        ("電話番号は090-1234-5678です", "1234"),
        ("０９０ー１２３４ー５６７８", "5678"),
        ("〇九〇の一二三四の五六七八です", "五六七八"),
        ("(0742)12-3456まで", "3456"),
        ("+81 90 1234 5678", "5678"),
        ("メールはtaro.yamada@example.co.jpです", "yamada"),
        ("hanako [at] example 。 com", "hanako"),
        ("yamada＠docomo．ne．jp", "yamada"),
        ("〒630-8123 奈良市", "8123"),
        ("組合員番号は12345678です", "12345678"),
        ("口座は普通 1234567 です", "1234567"),
        ("生年月日は昭和55年3月12日です", "55年"),
        ("S55.3.12生まれ", "55.3.12"),
        ("1980/3/12生", "1980"),
        ("平成2年十月三日生まれ", "十月"),
        ("名前は山田花子です", "山田"),
        ("私は杉浦です。カードは大丈夫ですか", "杉浦"),
        ("鈴木と申します", "鈴木"),
        ("名義はヤマダタロウです", "ヤマダ"),
        ("母の佐藤花子の分も心配です", "花子"),
        ("住所は奈良市西大寺北町3丁目5-12です", "西大寺"),
        ("南都銀行の西大寺支店に口座があります", "南都"),
        ("私は女性です", "女性"),
        ("電話090-1234-5678の山田ですが担当者と話したい", "山田"),
    ];

    #[test]
    fn personal_data_never_survives() {
        for (text, secret) in CASES {
            let redacted = full(text);
            assert!(!redacted.contains(secret), "{text} → {redacted}");
        }
    }

    #[test]
    fn placeholders_say_what_was_there() {
        assert_eq!(full("090-1234-5678に電話"), "[電話番号]に電話");
        assert_eq!(full("a@b.jp"), "[メールアドレス]");
        assert_eq!(full("〒630-8123"), "[郵便番号]");
        assert_eq!(full("番号12345678"), "番号[番号]");
        assert_eq!(full("名前は山田です"), "名前は[氏名]です");
    }

    #[test]
    fn ordinary_questions_are_untouched() {
        for text in [
            "クレジットカードの情報は大丈夫ですか",
            "3か月以上かかったのはなぜ",
            "10月9日に何があったの",
            "2022年のトラブル",
            "名前も漏れましたか",
            "生年月日や性別も漏れたのですか",
            "銀行口座の引き落としは止めるべきですか",
            "電話番号を教えてください",
        ] {
            assert_eq!(full(text), text);
        }
    }

    #[test]
    fn without_an_analyzer_the_patterns_still_run() {
        let redacted = redact("090-1234-5678 a@b.jp", None);
        assert_eq!(redacted.as_str(), "[電話番号] [メールアドレス]");
    }
}
