//! Detectors for personal data that needs the words: names, places, banks and
//! gender, read from the analyzer's morphemes (IPADIC's 人名 and 地名 parts of speech)
//! and from marker words kept in `lang/ja/pii/*.txt`.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::{PiiKind, Prepared, Span};
use crate::analysis::pos::{Class, Detail, Pos};
use crate::analysis::{Analyzer, Morpheme};

/// The marker word lists, loaded from the data files compiled into the binary.
struct Markers {
    name_before: HashSet<&'static str>,
    name_after: Vec<&'static str>,
    family: HashSet<&'static str>,
    self_words: HashSet<&'static str>,
    bank_suffixes: HashSet<&'static str>,
    gender: HashSet<&'static str>,
    address_words: HashSet<&'static str>,
    bank_names: Vec<String>,
}

/// The words of a list file: one per line, `#` starts a comment line.
pub(super) fn word_list(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

static MARKERS: LazyLock<Markers> = LazyLock::new(|| Markers {
    name_before: word_list(include_str!("../../lang/ja/pii/name_markers_before.txt")).collect(),
    name_after: word_list(include_str!("../../lang/ja/pii/name_markers_after.txt")).collect(),
    family: word_list(include_str!("../../lang/ja/pii/family.txt")).collect(),
    self_words: word_list(include_str!("../../lang/ja/pii/self_markers.txt")).collect(),
    bank_suffixes: word_list(include_str!("../../lang/ja/pii/bank_suffixes.txt")).collect(),
    gender: word_list(include_str!("../../lang/ja/pii/gender.txt")).collect(),
    address_words: word_list(include_str!("../../lang/ja/pii/address_words.txt")).collect(),
    bank_names: word_list(include_str!("../../lang/ja/pii/bank_names.txt"))
        .map(str::to_lowercase)
        .collect(),
});

/// A morpheme with its place in the prepared text, in characters.
struct Word<'a> {
    morpheme: &'a Morpheme,
    start: usize,
    end: usize,
}

impl Word<'_> {
    fn pos(&self) -> &Pos {
        &self.morpheme.pos
    }
    fn surface(&self) -> &str {
        &self.morpheme.surface
    }
    fn is_noun(&self) -> bool {
        self.pos().class == Class::Noun
            && !matches!(self.pos().sub(), Detail::Pronoun | Detail::Dependent)
    }
    fn is_proper(&self) -> bool {
        self.pos().sub() == Detail::ProperNoun
    }
    fn is_unknown(&self) -> bool {
        self.morpheme.reading.is_empty() && !self.is_symbol()
    }
    fn is_symbol(&self) -> bool {
        self.pos().class == Class::Symbol
    }
    fn is_kana_or_latin(&self) -> bool {
        self.surface()
            .chars()
            .all(|c| matches!(c, 'ァ'..='ヺ' | 'ー' | 'ぁ'..='ゖ') || c.is_ascii_alphabetic())
    }
    /// A word that can be (part of) a name: proper, unknown to the dictionary, or
    /// written in kana or Latin letters (ヤマダ, みさき).
    fn could_be_name(&self) -> bool {
        (self.is_noun() || self.is_unknown())
            && (self.is_proper() || self.is_unknown() || self.is_kana_or_latin())
            && !MARKERS.gender.contains(self.surface())
    }
}

/// Every span the word detectors find.
pub(super) fn spans(prepared: &Prepared, analyzer: &Analyzer) -> Vec<Span> {
    let Ok(morphemes) = analyzer.morphemes(&prepared.text) else {
        return Vec::new();
    };
    let words: Vec<Word<'_>> = morphemes
        .iter()
        .map(|m| Word {
            morpheme: m,
            start: Prepared::char_index(&prepared.text, m.start),
            end: Prepared::char_index(&prepared.text, m.end),
        })
        .collect();
    let mut spans = Vec::new();
    tagged_words(&words, &mut spans);
    marked_names(&words, &prepared.text, &mut spans);
    named_readings(&words, &prepared.chars, &mut spans);
    // Twice: a name in three parts (`五十 嵐 陽菜`) grows from each found part.
    extend_names(&words, &mut spans);
    extend_names(&words, &mut spans);
    addresses(&words, &mut spans);
    banks(&words, &mut spans);
    listed_words(&prepared.text, &mut spans);
    spans
}

fn span_of(words: &[Word<'_>], kind: PiiKind) -> Option<Span> {
    Some(Span {
        start: words.first()?.start,
        end: words.last()?.end,
        kind,
    })
}

/// Words the dictionary itself tags as a person's name, and words of gender.
fn tagged_words(words: &[Word<'_>], spans: &mut Vec<Span>) {
    for (i, word) in words.iter().enumerate() {
        if word.is_proper() && word.pos().sub2() == Detail::PersonName {
            spans.extend(span_of(&words[i..=i], PiiKind::Name));
        } else if word.pos().class == Class::Noun && MARKERS.gender.contains(word.surface()) {
            spans.extend(span_of(&words[i..=i], PiiKind::Gender));
        }
    }
}

/// The run of name-like words that starts at `from` (at most four, so a name in
/// parts `山田 太郎` or `ヤマダ タロウ` is one run).
fn name_run_after(words: &[Word<'_>], from: usize) -> usize {
    let mut end = from;
    while end < words.len() && end - from < 4 && words[end].could_be_name() {
        end += 1;
    }
    end
}

/// The run of name-like words that ends just before `to`.
fn name_run_before(words: &[Word<'_>], to: usize) -> usize {
    let mut start = to;
    while start > 0 && to - start < 4 && words[start - 1].could_be_name() {
        start -= 1;
    }
    start
}

/// Names found by what surrounds them: after `名前は`/`名義`, before `と申します`,
/// after `母の`, before `さん`/`様`, and `私は X です` or a message that opens `X です`.
fn marked_names(words: &[Word<'_>], text: &str, spans: &mut Vec<Span>) {
    for i in 0..words.len() {
        let word = &words[i];
        let surface = word.surface();
        if MARKERS.name_before.contains(surface) {
            let mut from = i + 1;
            if words
                .get(from)
                .is_some_and(|w| matches!(w.surface(), "は" | "が" | ":" | "=" | "を"))
            {
                from += 1;
            }
            let mut end = from;
            while end < words.len() && end - from < 4 && could_follow_marker(&words[end]) {
                end += 1;
            }
            spans.extend(span_of(&words[from..end], PiiKind::Name));
        }
        if MARKERS.family.contains(surface) {
            let mut from = i + 1;
            if words
                .get(from)
                .is_some_and(|w| matches!(w.surface(), "の" | "・" | "は" | ":"))
            {
                from += 1;
            }
            let mut end = name_run_after(words, from);
            // `家族の分の`, `夫の車の`: a thing owned, not a name.
            let owned = words.get(from + 1).is_some_and(|w| w.surface() == "の");
            if end == from && !owned && words.get(from).is_some_and(is_given_name_like) {
                end = from + 1;
                // `健二`: a kanji and a number, one name.
                if words
                    .get(end)
                    .is_some_and(|w| w.pos().sub() == Detail::Number && w.start == words[from].end)
                {
                    end += 1;
                }
            }
            spans.extend(span_of(&words[from..end], PiiKind::Name));
        }
        let rest = &text[text
            .char_indices()
            .nth(word.start)
            .map_or(text.len(), |(b, _)| b)..];
        let introduced = MARKERS.name_after.iter().any(|m| rest.starts_with(m))
            || (word.pos().sub() == Detail::Suffix && word.pos().sub2() == Detail::PersonName);
        let start = if introduced {
            Some(name_run_before(words, i))
        } else if surface == "です" {
            self_statement_start(words, i)
        } else {
            None
        };
        if let Some(start) = start {
            spans.extend(span_of(&words[start..i], PiiKind::Name));
        }
    }
}

/// After `名前は` or `姓は`, any plain noun is the name (`姓は東`), not only the
/// words that look like names elsewhere.
fn could_follow_marker(word: &Word<'_>) -> bool {
    word.could_be_name()
        || (word.is_noun()
            && !matches!(
                word.pos().sub(),
                Detail::SuruNoun
                    | Detail::AdjectivalNoun
                    | Detail::AdverbialNoun
                    | Detail::Number
                    | Detail::Suffix
            ))
}

/// Where the name starts when the `です` at `at` closes `X です` that opens the
/// message or a sentence, or follows `私は`/`こちら`: how members introduce
/// themselves.
fn self_statement_start(words: &[Word<'_>], at: usize) -> Option<usize> {
    let start = name_run_before(words, at);
    if start == at {
        // A message that opens with one plain kanji noun and です (`桑原です。`):
        // a surname the dictionary knows as a common word.
        // `090-…の山田です`, `奈良市の山田です`: a phone number or a place, then the
        // name the dictionary reads as a common word.
        let after_contact = at >= 3
            && words[at - 2].surface() == "の"
            && (is_number(&words[at - 3]) || words[at - 3].pos().sub2() == Detail::Region)
            && is_plain_kanji_noun(&words[at - 1]);
        if after_contact {
            return Some(at - 1);
        }
        let plain = at == 1 && is_plain_kanji_noun(&words[0]);
        let opener = plain || (at <= 4 && words[..at].iter().all(is_name_part_at_start));
        return (opener && ends_sentence(words.get(at + 1))).then_some(0);
    }
    let mut before = start;
    if before > 0 && matches!(words[before - 1].surface(), "は" | "、" | ",") {
        before -= 1;
    }
    let opens = before == 0
        || matches!(words[before - 1].surface(), "。" | "!" | "?" | ".")
        || MARKERS.self_words.contains(words[before - 1].surface());
    opens.then_some(start)
}

/// One kanji that is a noun (`蒼`, `翼`, the `健` of `健二`): after a family word, a
/// given name rather than a thing.
fn is_given_name_like(word: &Word<'_>) -> bool {
    word.is_noun()
        && word.surface().chars().count() == 1
        && word
            .surface()
            .chars()
            .all(|c| matches!(c, '\u{4e00}'..='\u{9fff}'))
}

fn is_plain_kanji_noun(word: &Word<'_>) -> bool {
    let chars = word.surface().chars().count();
    word.pos().is_noun_of(Detail::General)
        && (2..=4).contains(&chars)
        && word
            .surface()
            .chars()
            .all(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '々'))
}

/// A part of a name that opens a message (`五百旗頭です。`, `小鳥遊ひよりです。`): a
/// plain or proper noun, a number or a word the dictionary lacks, each at most four
/// characters.
fn is_name_part_at_start(word: &Word<'_>) -> bool {
    (word.is_unknown()
        || (word.pos().class == Class::Noun
            && matches!(
                word.pos().sub(),
                Detail::General | Detail::ProperNoun | Detail::Number
            )))
        && word.surface().chars().count() <= 4
}

fn ends_sentence(word: Option<&Word<'_>>) -> bool {
    word.is_none_or(|w| w.is_symbol() || matches!(w.surface(), "。" | "、" | "!" | "?"))
}

/// A reading in brackets after a name (`五十嵐陽菜(いがらし ひな)`, `子(ゆうと)`):
/// the kana inside is the name read aloud, and the kanji run before it, unless
/// it is a family word, is the name written.
fn named_readings(words: &[Word<'_>], chars: &[char], spans: &mut Vec<Span>) {
    let is_kana = |c: &char| matches!(c, 'ぁ'..='ゖ' | 'ァ'..='ヺ' | 'ー' | ' ' | '・');
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '(' {
            i += 1;
            continue;
        }
        let Some(close) = chars[i + 1..]
            .iter()
            .position(|c| *c == ')')
            .map(|p| i + 1 + p)
        else {
            break;
        };
        let inside = &chars[i + 1..close];
        if (2..=16).contains(&inside.len()) && inside.iter().all(is_kana) {
            spans.push(Span {
                start: i + 1,
                end: close,
                kind: PiiKind::Name,
            });
            let before = words.iter().rposition(|w| w.end == i);
            if let Some(at) = before.filter(|&at| !MARKERS.family.contains(words[at].surface())) {
                let mut start = at;
                while start > 0
                    && words[start - 1].end == words[start].start
                    && words[start - 1].is_noun()
                {
                    start -= 1;
                }
                spans.extend(span_of(&words[start..=at], PiiKind::Name));
            }
        }
        i = close + 1;
    }
}

/// A name written in parts (`山田 太郎`, `ヤマモト 太郎`, `鈴木 いさむ`): once one part
/// is found, a short name-like chunk right beside it, across a space or touching
/// it, is the rest of the name.
fn extend_names(words: &[Word<'_>], spans: &mut Vec<Span>) {
    let names: Vec<Span> = spans
        .iter()
        .filter(|s| s.kind == PiiKind::Name)
        .copied()
        .collect();
    for name in names {
        if let Some(after) = words.iter().position(|w| w.start >= name.end) {
            spans.extend(name_chunk(words, after, 1, name.end));
        }
        if let Some(before) = words.iter().rposition(|w| w.end <= name.start) {
            spans.extend(name_chunk(words, before, -1, name.start));
        }
    }
}

/// The chunk of at most four characters of name-like words starting at `from`
/// and walking in `step` direction, if it sits right beside `edge` (a space at
/// most between) and is not a function word.
fn name_chunk(words: &[Word<'_>], from: usize, step: isize, edge: usize) -> Option<Span> {
    let gap = if step > 0 {
        words[from].start.checked_sub(edge)?
    } else {
        edge.checked_sub(words[from].end)?
    };
    if gap > 1 {
        return None;
    }
    let chunk_word = |w: &Word<'_>| {
        !matches!(
            w.pos().class,
            Class::Particle | Class::Auxiliary | Class::Symbol | Class::Conjunction
        ) && !w.is_symbol()
            && !MARKERS.gender.contains(w.surface())
            && !MARKERS.self_words.contains(w.surface())
            && !MARKERS.family.contains(w.surface())
            && w.pos().sub() != Detail::Number
            && w.pos().sub() != Detail::Pronoun
    };
    let (mut start, mut end) = (words[from].start, words[from].end);
    let mut at = from as isize;
    let mut count = 0;
    while let Some(word) = usize::try_from(at).ok().and_then(|i| words.get(i)) {
        let touching = if step > 0 {
            word.start == end
        } else {
            word.end == start
        };
        if !chunk_word(word) || (count > 0 && !touching) {
            break;
        }
        start = start.min(word.start);
        end = end.max(word.end);
        count += 1;
        at += step;
    }
    (count > 0 && end - start <= 4).then_some(Span {
        start,
        end,
        kind: PiiKind::Name,
    })
}

/// Bank names members write without 銀行 (`ゆうちょ`, `JA`), and gender words in
/// kana (`おとこ`), which the analyzer splits: found in the text itself.
fn listed_words(text: &str, spans: &mut Vec<Span>) {
    let lower = text.to_lowercase();
    let kana_gender = MARKERS
        .gender
        .iter()
        .filter(|w| {
            w.chars()
                .all(|c| matches!(c, 'ぁ'..='ゖ' | 'ァ'..='ヺ') || c.is_ascii_alphabetic())
        })
        .map(|w| (w.to_string(), PiiKind::Gender));
    let banks = MARKERS
        .bank_names
        .iter()
        .map(|w| (w.clone(), PiiKind::Bank));
    for (word, kind) in banks.chain(kana_gender) {
        for (byte, _) in lower.match_indices(word.as_str()) {
            // A Latin word only as a whole word (`male`, not the `man` of `many`).
            let latin = word.chars().all(|c| c.is_ascii_alphabetic());
            let before = lower[..byte].chars().next_back();
            let after = lower[byte + word.len()..].chars().next();
            if latin
                && (before.is_some_and(|c| c.is_ascii_alphabetic())
                    || after.is_some_and(|c| c.is_ascii_alphabetic()))
            {
                continue;
            }
            let start = Prepared::char_index(&lower, byte);
            spans.push(Span {
                start,
                end: start + word.chars().count(),
                kind,
            });
        }
    }
}

/// Street addresses: a run of nouns, numbers and hyphens that holds a place name
/// (地域) or a number followed by 丁目/番地/号, or numbers joined by hyphens (`3-5-12`).
fn addresses(words: &[Word<'_>], spans: &mut Vec<Span>) {
    let mut i = 0;
    while i < words.len() {
        let mut end = i;
        while end < words.len() && is_address_part(&words[end]) {
            end += 1;
        }
        if end > i && holds_address(&words[i..end]) {
            spans.extend(span_of(&words[i..end], PiiKind::Address));
        }
        i = end.max(i + 1);
    }
}

fn is_address_part(word: &Word<'_>) -> bool {
    word.is_noun() || word.is_unknown() || word.surface() == "-"
}

/// Whether a run of nouns is an address: it names a place (地域), or a number in it
/// is followed by 丁目/番地/号 (as one word, `686番地`, or two) or by a hyphen.
fn holds_address(run: &[Word<'_>]) -> bool {
    let place = run
        .iter()
        .any(|w| w.is_proper() && w.pos().sub2() == Detail::Region);
    let marks_address = |w: &Word<'_>| {
        w.surface() == "-"
            || MARKERS
                .address_words
                .iter()
                .any(|a| w.surface().starts_with(a))
    };
    let numbered = run.iter().enumerate().any(|(i, w)| {
        is_number(w)
            && (MARKERS
                .address_words
                .iter()
                .any(|a| w.surface().ends_with(a))
                || run.get(i + 1).is_some_and(marks_address))
    });
    place || numbered
}

fn is_number(word: &Word<'_>) -> bool {
    word.pos().sub() == Detail::Number || word.surface().chars().any(|c| c.is_ascii_digit())
}

/// Banks and branches: the proper name before 銀行, 信用金庫, 支店…
fn banks(words: &[Word<'_>], spans: &mut Vec<Span>) {
    for (i, word) in words.iter().enumerate() {
        let suffix = MARKERS.bank_suffixes.iter().find_map(|s| {
            word.surface()
                .strip_suffix(s)
                .map(|name| (name.chars().count(), *s))
        });
        let Some((name_chars, _)) = suffix else {
            continue;
        };
        if name_chars > 0 && !(word.is_proper() || word.is_unknown()) {
            continue;
        }
        if name_chars > 0 && (word.is_proper() || word.is_unknown()) {
            // The name and the suffix are one word (ゆうちょ銀行).
            spans.push(Span {
                start: word.start,
                end: word.start + name_chars,
                kind: PiiKind::Bank,
            });
            continue;
        }
        let mut start = i;
        while start > 0
            && i - start < 4
            && words[start - 1].end == words[start].start
            && !matches!(
                words[start - 1].pos().class,
                Class::Particle | Class::Auxiliary
            )
            && (words[start - 1].is_noun()
                || words[start - 1].is_unknown()
                || words[start - 1].is_kana_or_latin())
            && !MARKERS.bank_suffixes.contains(words[start - 1].surface())
        {
            start -= 1;
        }
        spans.extend(span_of(&words[start..i], PiiKind::Bank));
    }
}
