//! Text-level normalization that runs before segmentation, keeping a map back to
//! the text the user typed.
//!
//! Steps, in order, on each character cluster (a base character with its combining
//! marks or half-width voicing marks):
//! 1. Unicode NFKC: half-width katakana → full-width, full-width ASCII → ASCII,
//!    `ｶﾞ` → `ガ`, circled digits → digits.
//! 2. Lower-casing (Latin and other cased scripts).
//! 3. Kana iteration marks (`ゝ`, `ゞ`, `ヽ`, `ヾ`) spelled out.
//! 4. Month counters written with a small or large ke (`3ヶ月`, `3ケ月`, `3カ月`,
//!    `3箇月`) folded to `3か月`.
//!
//! Offsets: each normalized cluster remembers the byte range it came from, so token
//! offsets computed on normalized text can be mapped to the original (snippets and
//! `explain` highlight what the member typed).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalized text plus the map from its byte offsets to the original's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text that segmentation sees.
    pub text: String,
    /// `(normalized_start, original_start, original_end)` for each cluster, in order.
    spans: Vec<(usize, usize, usize)>,
    original_len: usize,
}

impl Normalized {
    /// Maps a normalized byte range to the byte range of the original text it came from.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.spans.is_empty() {
            return (0, 0);
        }
        let first = self.cluster_at(start);
        let last = if end > start {
            self.cluster_at(end - 1)
        } else {
            first
        };
        let from = self.spans[first].1;
        let to = if end > start {
            self.spans[last].2
        } else {
            from
        };
        (from.min(self.original_len), to.min(self.original_len))
    }

    fn cluster_at(&self, offset: usize) -> usize {
        match self.spans.binary_search_by(|span| span.0.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

/// Normalizes `input` (see the module documentation for the steps).
pub fn normalize(input: &str) -> Normalized {
    let mut text = String::with_capacity(input.len());
    let mut spans = Vec::with_capacity(input.len() / 2);
    let mut cluster = String::new();
    let mut cluster_start = 0;
    for (offset, ch) in input.char_indices() {
        if !cluster.is_empty() && !joins_previous(ch) {
            push_cluster(&mut text, &mut spans, &cluster, cluster_start, offset);
            cluster.clear();
        }
        if cluster.is_empty() {
            cluster_start = offset;
        }
        cluster.push(ch);
    }
    if !cluster.is_empty() {
        push_cluster(&mut text, &mut spans, &cluster, cluster_start, input.len());
    }
    fold_month_counters(&mut text, &mut spans);
    Normalized {
        text,
        spans,
        original_len: input.len(),
    }
}

/// Characters that NFKC may compose with the character before them.
fn joins_previous(ch: char) -> bool {
    is_combining_mark(ch) || matches!(ch, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}' | '\u{309A}')
}

fn push_cluster(
    text: &mut String,
    spans: &mut Vec<(usize, usize, usize)>,
    cluster: &str,
    start: usize,
    end: usize,
) {
    let before = text.len();
    for ch in cluster.nfkc() {
        let ch = match ch {
            'ゝ' | 'ゞ' | 'ヽ' | 'ヾ' => repeat_previous_kana(text, ch),
            other => other,
        };
        text.extend(ch.to_lowercase());
    }
    if text.len() > before {
        spans.push((before, start, end));
    }
}

/// Spells out a kana iteration mark as the kana before it (voiced for `ゞ`/`ヾ`).
fn repeat_previous_kana(text: &str, mark: char) -> char {
    let Some(previous) = text.chars().next_back() else {
        return mark;
    };
    let is_kana = matches!(previous, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}');
    if !is_kana {
        return mark;
    }
    if matches!(mark, 'ゞ' | 'ヾ') {
        let voiced: String = format!("{previous}\u{3099}").nfc().collect();
        voiced.chars().next().unwrap_or(previous)
    } else {
        previous
    }
}

/// `3ヶ月` / `3ケ月` / `3カ月` / `3箇月` → `3か月` (only after a digit or kanji numeral).
fn fold_month_counters(text: &mut String, spans: &mut [(usize, usize, usize)]) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut replacements = Vec::new();
    for window in chars.windows(3) {
        let [(_, before), (at, counter), (_, after)] = [window[0], window[1], window[2]];
        let numeral = before.is_ascii_digit() || "一二三四五六七八九十何数".contains(before);
        if numeral && after == '月' && matches!(counter, 'ヶ' | 'ケ' | 'カ' | 'ヵ' | '箇' | '个')
        {
            replacements.push((at, counter.len_utf8()));
        }
    }
    // All replaced characters are 3 bytes in UTF-8, like `か`, so offsets are unchanged.
    for (at, len) in replacements.into_iter().rev() {
        if len == 'か'.len_utf8() {
            text.replace_range(at..at + len, "か");
        }
    }
    debug_assert!(spans.windows(2).all(|w| w[0].0 <= w[1].0));
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, &str)] = &[
        ("ﾃﾞｰﾀ", "データ"),
        ("ｶｰﾄﾞ情報", "カード情報"),
        ("ＡＢＣ１２３", "abc123"),
        ("Credit CARD", "credit card"),
        ("３ヶ月", "3か月"),
        ("3ケ月以上", "3か月以上"),
        ("三ヵ月", "三か月"),
        ("ケーキ", "ケーキ"),
        ("いすゞ", "いすず"),
        ("ここゝ", "こここ"),
        ("①", "1"),
        ("", ""),
    ];

    #[test]
    fn normalizes_width_case_iteration_marks_and_month_counters() {
        for (input, expected) in CASES {
            assert_eq!(normalize(input).text, *expected, "input {input:?}");
        }
    }

    #[test]
    fn offsets_map_back_to_the_typed_text() {
        let input = "ｶｰﾄﾞ情報";
        let normalized = normalize(input);
        let start = normalized.text.find("情報").unwrap();
        let (from, to) = normalized.original_range(start, start + "情報".len());
        assert_eq!(&input[from..to], "情報");
        let (from, to) = normalized.original_range(0, "カード".len());
        assert_eq!(&input[from..to], "ｶｰﾄﾞ");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for input in [
            "\u{0301}",
            "ﾞﾞﾞ",
            "👨\u{200D}👩\u{200D}👧",
            "\u{202E}abc",
            "\0\u{7}",
            "ゞ",
        ] {
            let normalized = normalize(input);
            let _ = normalized.original_range(0, normalized.text.len());
        }
    }
}
