//! Values after a label: `住所は ならし さほちょう 12ばんち です`, `なまえは にしむら
//! です`, `性別 F`. Text a member writes after such a label is that kind of data
//! even when the analyzer cannot read it (names and addresses in kana are split
//! into unrelated words). The labels are data (`lang/ja/pii/labels.txt`).

use std::sync::LazyLock;

use super::{PiiKind, Prepared, Span};

/// One label and the kind of value it introduces.
struct Label {
    text: &'static str,
    kind: PiiKind,
}

static LABELS: LazyLock<Vec<Label>> = LazyLock::new(|| {
    include_str!("../../lang/ja/pii/labels.txt")
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (kind, text) = line.split_once('\t')?;
            let kind = match kind {
                "name" => PiiKind::Name,
                "address" => PiiKind::Address,
                "birth_date" => PiiKind::BirthDate,
                "gender" => PiiKind::Gender,
                "phone" => PiiKind::Phone,
                _ => return None,
            };
            Some(Label {
                text: text.trim(),
                kind,
            })
        })
        .collect()
});

/// Words that close a value: the copula and self-introductions.
const CLOSERS: [&str; 8] = [
    "です",
    "デス",
    "でございます",
    "と申します",
    "ともうします",
    "といいます",
    "と言います",
    "うまれ",
];

/// Longest value, in characters.
const LONGEST: usize = 40;

/// Every labelled value in the prepared text.
pub(super) fn spans(prepared: &Prepared) -> Vec<Span> {
    let chars = &prepared.chars;
    let digits: Vec<char> = prepared.digits.chars().collect();
    let mut spans = Vec::new();
    for label in LABELS.iter() {
        let label_chars: Vec<char> = label.text.chars().collect();
        let mut at = 0;
        while let Some(found) = find(chars, &label_chars, at) {
            at = found + label_chars.len();
            if let Some(span) = value_after(chars, &digits, at, label.kind) {
                spans.push(span);
            }
        }
    }
    spans
}

fn find(haystack: &[char], needle: &[char], from: usize) -> Option<usize> {
    (from..haystack.len().saturating_sub(needle.len() - 1))
        .find(|&i| haystack[i..].starts_with(needle))
}

/// The value that starts at `from` (after は, が, :, spaces), if it is closed by a
/// closer, another label or a sentence end, and has the shape of its kind.
fn value_after(chars: &[char], digits: &[char], from: usize, kind: PiiKind) -> Option<Span> {
    let mut start = from;
    while start < chars.len() && matches!(chars[start], 'は' | 'ハ' | 'が' | ':' | ' ' | '=' | '、')
    {
        start += 1;
    }
    // A label must be followed by は, :, a space…: `性別も漏れましたか` names no value.
    if start == from {
        return None;
    }
    let rest: String = chars[start..].iter().take(LONGEST + 8).collect();
    let (length, closed_by_word) = value_length(&rest)?;
    let end = start + length;
    let value: String = chars[start..end].iter().collect();
    let value = value.trim_end();
    let end = start + value.chars().count();
    let has_digit = digits[start..end].iter().any(char::is_ascii_digit);
    let shaped = match kind {
        PiiKind::Address | PiiKind::Phone => has_digit,
        PiiKind::BirthDate => has_digit || value.contains("しょうわ") || value.contains("へいせい"),
        PiiKind::Gender => value.chars().count() <= 6,
        // `名前は変わったのです` is no name: a name closed by です is written apart
        // from it, or without hiragana.
        _ => {
            let spaced = chars.get(end).is_some_and(|c| *c == ' ');
            let no_hiragana = !value.chars().any(|c| matches!(c, 'ぁ'..='ゖ'));
            closed_by_word && (spaced || no_hiragana) && value.chars().count() <= 16
        }
    };
    (end > start && shaped).then_some(Span { start, end, kind })
}

/// Characters up to the closer of a value, and whether a closing word (not a
/// sentence end) closed it.
fn value_length(rest: &str) -> Option<(usize, bool)> {
    let mut length = 0;
    for (byte, c) in rest.char_indices() {
        let tail = &rest[byte..];
        if CLOSERS.iter().any(|w| tail.starts_with(w))
            || LABELS
                .iter()
                .any(|l| length > 0 && tail.starts_with(l.text))
        {
            return Some((length, true));
        }
        if matches!(c, '。' | '、' | ',' | '!' | '?' | '\n' | '(' | ')') {
            return Some((length, false));
        }
        length += 1;
        if length > LONGEST {
            return None;
        }
    }
    Some((length, false))
}
