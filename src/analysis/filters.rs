//! Token filters: lindera's morphemes → kotae's morphemes, as a chain of small
//! named steps (like kuromoji's token filters). Each step sees the incoming
//! morpheme and those already emitted; it may rewrite either, or absorb the
//! incoming one into the last emitted. The order of [`TOKEN_FILTERS`] is the order
//! the steps run in. Word lists come from the language data ([`Lang`]); what stays
//! here is grammar: which sequences of morphemes form one word or one question.

use super::Morpheme;
use super::fold;
use super::pos::{Class, Detail, Pos};
use crate::lang::Lang;

/// The word a conditional ending stands for in the term fields: `漏れたら` asks
/// the same as `もし漏れたら`.
pub const CONDITIONAL: &str = "もし";

/// The interrogative `どのくらい`/`どれぐらい` (how much), as one term.
pub const DEGREE: &str = "どのくらい";

/// The interrogative `どこまで` (how far), as one term.
pub const EXTENT: &str = "どこまで";

/// What `ある` stands for after `何が`/`何か` (`何があったの`): happen.
const HAPPEN: &str = "起きる";

/// What a filter does with the incoming morpheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Pass it on to the next filter, and emit it after the last.
    Keep,
    /// It became part of the last emitted morpheme: stop here.
    Absorbed,
}

/// One filter: the incoming morpheme, those emitted so far, the language data.
pub type Filter = fn(&mut Morpheme, &mut [Morpheme], &Lang) -> Step;

/// The chain, in order.
pub const TOKEN_FILTERS: &[(&str, Filter)] = &[
    ("exposed", exposed),
    ("conditional", conditional),
    ("how-far-how-much", how_far_how_much),
    ("casual-from-where", casual_from_where),
    ("what-to-do", what_to_do),
    ("nani", nani),
    ("ra-nuki", ra_nuki),
    ("yatte-kuru", yatte_kuru),
    ("happen", happen),
    ("whether", whether),
    ("date-counter", date_counter),
    ("suffix", suffix),
];

/// Runs the chain on one morpheme; `true` when it is to be emitted.
pub fn run(morpheme: &mut Morpheme, emitted: &mut [Morpheme], lang: &Lang) -> bool {
    TOKEN_FILTERS
        .iter()
        .all(|(_, filter)| filter(morpheme, emitted, lang) == Step::Keep)
}

/// The last `k` emitted morphemes' field, counting back from the end (1 = last).
fn back(emitted: &[Morpheme], k: usize) -> Option<&Morpheme> {
    emitted.len().checked_sub(k).and_then(|i| emitted.get(i))
}

/// `見られた`, `知られた` (passive past of a verb in the `exposed` list): something
/// was exposed, not `見る` (to look). The verb becomes the list's term.
fn exposed(m: &mut Morpheme, emitted: &mut [Morpheme], lang: &Lang) -> Step {
    let n = emitted.len();
    if m.base == "た"
        && n >= 2
        && matches!(emitted[n - 1].base.as_str(), "れる" | "られる")
        && let Some(rewrite) = lang.exposed.iter().find(|r| emitted[n - 2].base == r.from)
    {
        emitted[n - 2].base = rewrite.to.clone();
        emitted[n - 2].reading = rewrite.reading.clone();
        emitted[n - 2].content = true;
    }
    Step::Keep
}

/// `漏れたら`, `漏れれば`, `漏れるなら` ask the same as `もし漏れたら`: the ending
/// becomes the term [`CONDITIONAL`]. `いつになったら` asks when, not what if.
fn conditional(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    let when = back(emitted, 1).is_some_and(|p| p.base == "なる")
        && back(emitted, 2).is_some_and(|p| p.surface == "に")
        && back(emitted, 3).is_some_and(|p| p.base == "いつ");
    if is_conditional(&m.pos, &m.base, &m.surface) && !when {
        m.base = CONDITIONAL.to_string();
        m.reading = "モシ".to_string();
        m.content = true;
    }
    Step::Keep
}

/// `どこまで` asks how far, not where; `どのくらい` how much, not which (so it does
/// not pass for the `どの` of `どの情報`): each is one interrogative.
fn how_far_how_much(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    let Some(previous) = emitted.last_mut() else {
        return Step::Keep;
    };
    let merged = if previous.base == "どこ" && m.surface == "まで" {
        Some((EXTENT, "ドコマデ"))
    } else if (previous.base == "どの" || previous.base == "どれ")
        && matches!(m.surface.as_str(), "くらい" | "ぐらい")
    {
        Some((DEGREE, "ドノクライ"))
    } else {
        None
    };
    if let Some((word, reading)) = merged {
        previous.base = word.to_string();
        previous.reading = reading.to_string();
        m.content = false;
    }
    Step::Keep
}

/// Casual `どっから` is `どこから` (from where), not `どっか` + `ら`.
fn casual_from_where(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    match emitted.last_mut() {
        Some(previous) if m.surface == "ら" && previous.surface == "どっか" => {
            previous.base = "どこ".to_string();
            previous.reading = "ドコ".to_string();
            previous.content = true;
            Step::Absorbed
        }
        _ => Step::Keep,
    }
}

/// `どうすればいい`, `電話すればよい`: asks what to do, not what if; the `ば` is not
/// a conditional.
fn what_to_do(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    if matches!(m.base.as_str(), "いい" | "よい" | "良い")
        && let Some(previous) = emitted.last_mut()
        && previous.base == CONDITIONAL
        && previous.surface == "ば"
    {
        previous.base = previous.surface.clone();
        previous.reading = "バ".to_string();
        previous.content = false;
    }
    Step::Keep
}

/// `なにが漏れたの`: the pronoun is written 何. (`なん` is too often a piece of
/// something else: `どうなんの`.)
fn nani(m: &mut Morpheme, _: &mut [Morpheme], _: &Lang) -> Step {
    if m.base == "なに" && m.pos.sub() == Detail::Pronoun {
        m.base = "何".to_string();
    }
    Step::Keep
}

/// `見れる` (casual for `見られる`, can see) is `見る` (the `ra_nuki` list).
fn ra_nuki(m: &mut Morpheme, _: &mut [Morpheme], lang: &Lang) -> Step {
    if let Some(plain) = lang.ra_nuki.iter().find(|r| m.base == r.from) {
        m.base = plain.to.clone();
        m.reading = plain.reading.clone();
    }
    Step::Keep
}

/// `どうやって来るの` is どう + 来る (how does it come), not a verb of its own.
fn yatte_kuru(m: &mut Morpheme, _: &mut [Morpheme], _: &Lang) -> Step {
    if m.base == "やって来る" {
        m.base = "来る".to_string();
        m.reading = "クル".to_string();
    }
    Step::Keep
}

/// `何があった`, `何かあったの`: ある in the sense of 起きる (happen), the one
/// content word of the question.
fn happen(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    if m.base == "ある"
        && back(emitted, 1).is_some_and(|p| matches!(p.surface.as_str(), "が" | "か"))
        && back(emitted, 2).is_some_and(|p| matches!(p.base.as_str(), "何" | "なに"))
    {
        m.base = HAPPEN.to_string();
        m.reading = "オキル".to_string();
        m.content = true;
    }
    Step::Keep
}

/// `漏れたかどうか`: whether, not the interrogative how.
fn whether(m: &mut Morpheme, emitted: &mut [Morpheme], _: &Lang) -> Step {
    let n = emitted.len();
    if m.surface == "か"
        && n >= 2
        && emitted[n - 1].base == "どう"
        && emitted[n - 2].surface == "か"
    {
        emitted[n - 1].content = false;
    }
    if m.base == "どうか" && back(emitted, 1).is_some_and(|p| p.surface == "か") {
        m.content = false;
    }
    Step::Keep
}

/// `10月`, `3か月`: the number carries the meaning; the counter (the
/// `date_counters` list) would make every date look like a rare shared word.
fn date_counter(m: &mut Morpheme, emitted: &mut [Morpheme], lang: &Lang) -> Step {
    let after_number = emitted.last().is_some_and(|p| {
        p.pos.sub() == Detail::Number
            && p.surface
                .chars()
                .all(|c| c.is_ascii_digit() || fold::is_kanji_numeral(c))
    });
    if after_number && lang.date_counters.contains(&m.base) {
        m.content = false;
    }
    Step::Keep
}

/// `担当者`, `通話料`, `時間帯`: the suffix belongs to its noun. Alone it would be a
/// rare word shared by unrelated questions (`料` of `利用料` and `通話料`).
fn suffix(m: &mut Morpheme, emitted: &mut [Morpheme], lang: &Lang) -> Step {
    let suffix = m.pos.is_noun_of(Detail::Suffix) && m.content;
    match emitted.last_mut() {
        Some(noun)
            if suffix && noun.content && noun.end == m.start && noun.pos.class == Class::Noun =>
        {
            noun.surface.push_str(&m.surface);
            noun.base = noun.surface.clone();
            // The joined word may be a filler (`具体的`).
            noun.content = !lang.stop_words.contains(&noun.base);
            noun.reading.push_str(&m.reading);
            noun.end = m.end;
            Step::Absorbed
        }
        _ => Step::Keep,
    }
}

/// Whether a morpheme is a conditional ending: `たら`/`だら`, the particle `ば`,
/// `なら`, or the conjunctive `と` (`漏れるとどうなる`; not the quoting `と`).
fn is_conditional(pos: &Pos, base: &str, surface: &str) -> bool {
    (pos.class == Class::Auxiliary
        && matches!(
            (base, surface),
            ("た", "たら") | ("だ", "だら") | ("だ", "なら")
        ))
        || (pos.class == Class::Particle && surface == "ば")
        || (pos.class == Class::Particle && pos.sub() == Detail::Conjunctive && surface == "と")
}

/// Whether a morpheme is content: nouns, verbs, adjectives, adverbs, adnominals,
/// interjections and unknown words, minus dependent forms and the language data's
/// stop words. Interrogative pronouns (`何`, `いつ`) are content: they say what
/// kind of answer is wanted.
pub fn is_content(lang: &Lang, pos: &Pos, base: &str, surface: &str) -> bool {
    let kept_class = matches!(
        pos.class,
        Class::Noun
            | Class::Verb
            | Class::Adjective
            | Class::Adverb
            | Class::Adnominal
            | Class::Interjection
            | Class::Unknown
    );
    let interrogative = pos.sub() == Detail::Pronoun && lang.interrogative_pronouns.contains(base);
    let dependent = matches!(
        pos.sub(),
        Detail::Dependent | Detail::Pronoun | Detail::Suffix | Detail::NumberPrefix
    ) && !interrogative
        && !(pos.is_noun_of(Detail::Suffix) && surface.chars().any(fold::is_kanji));
    let symbol_like = !surface.chars().any(char::is_alphanumeric);
    kept_class
        && !dependent
        && !symbol_like
        && !lang.stop_words.contains(base)
        && !lang.stop_words.contains(surface)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_names_are_unique() {
        let mut names: Vec<&str> = TOKEN_FILTERS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TOKEN_FILTERS.len());
    }
}
