//! Detectors for personal data that has a shape: e-mail addresses, runs of digits
//! and birth dates. They read the prepared text with kanji digits as ASCII digits.

use std::sync::LazyLock;

use regex::Regex;

use super::{PiiKind, Prepared, Span};

fn compiled(pattern: &str) -> Regex {
    // The patterns are literals of this file, covered by the tests of `redact`.
    Regex::new(pattern).unwrap_or_else(|e| panic!("redaction pattern {pattern}: {e}"))
}

/// An e-mail address: the local part, an at sign as members type it (`@`, `[at]`,
/// `アットマーク`), and a domain whose dots may be `。` or `ドット`, with spaces around.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    compiled(
        r"(?i)[a-z0-9._%+\-]+\s*(?:@|\[at\]|\(at\)|\sat\s|アットマーク|あっとまーく|アット|あっと)\s*[a-z0-9\-]+(?:\s*(?:\.|。|、|,|ドット|どっと|\[dot\]|\(dot\))\s*[a-z0-9\-]+)+",
    )
});

/// Digits in groups, joined by what members type between them: hyphens, dots,
/// spaces, brackets, slashes or `の` (`〇九〇の一二三四`); an optional `+` or `〒`.
static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| compiled(r"(?:〒\s*|\+)?\(?\d+\)?(?:(?:\s|-|\.|/|の|・|\(|\)){1,3}\d+\)?)*"));

/// A number written with the kanji 十 (`二十三`, `十二`), after kanji digits became
/// ASCII: `2十3`, `十2`.
const NUMBER: &str = r"(?:\d{1,2}十?\d?|十\d?)";

/// Dates that can only be birth dates: an era before 令和 with a year (`昭和55年`,
/// `S55.3.12`), a date with a two- or four-digit year, or a day marked 生まれ.
static BIRTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    compiled(&format!(
        r"(?i)(?:(?:明治|大正|昭和|平成|令和|めいじ|たいしょう|しょうわ|へいせい|メイジ|タイショウ|ショウワ|ヘイセイ)\s*(?:{NUMBER}|元|がん)\s*(?:年|ねん|ネン)(?:\s*{NUMBER}\s*(?:月|がつ|ガツ)(?:\s*{NUMBER}\s*(?:日|にち|ニチ))?)?|[mtshr]\s*{NUMBER}\s*(?:年|[./\-])\s*{NUMBER}\s*(?:月|[./\-])\s*{NUMBER}\s*日?|(?P<year>\d{{2,4}})\s*(?:年|[./\-])\s*{NUMBER}\s*(?:月|[./\-])\s*{NUMBER}\s*日?|{NUMBER}\s*月\s*{NUMBER}\s*日\s*(?:生まれ|生|うまれ))"
    ))
});

/// A name in Latin letters: two or more capitalized words (`Emily Clark`,
/// `Yamamoto Kenji`).
static LATIN_NAME: LazyLock<Regex> =
    LazyLock::new(|| compiled(r"\b[A-Z][a-z]+(?:[ \-][A-Z][a-z]+)+\b"));

/// Words after a birth date or year that say it is one.
const BORN: [&str; 3] = ["生まれ", "生", "うまれ"];

/// Every span the shape detectors find.
pub(super) fn spans(prepared: &Prepared) -> Vec<Span> {
    let mut spans = Vec::new();
    let text = &prepared.digits;
    let span = |start: usize, end: usize, kind: PiiKind| Span {
        start: Prepared::char_index(text, start),
        end: Prepared::char_index(text, end),
        kind,
    };
    for found in EMAIL.find_iter(text) {
        spans.push(span(found.start(), found.end(), PiiKind::Email));
    }
    for found in BIRTH_DATE.captures_iter(text) {
        let Some(whole) = found.get(0) else { continue };
        if is_birth_date(&found, &text[whole.end()..]) {
            spans.push(span(whole.start(), whole.end(), PiiKind::BirthDate));
        }
    }
    for found in LATIN_NAME.find_iter(text) {
        spans.push(span(found.start(), found.end(), PiiKind::Name));
    }
    for found in DIGIT_RUN.find_iter(text) {
        let after = &text[found.end()..];
        if let Some(kind) = number_kind(found.as_str(), after) {
            spans.push(span(found.start(), found.end(), kind));
        }
    }
    spans
}

/// Whether a date match is a birth date: eras always are (the incident is dated in
/// the western calendar); a western date when its year is before 2015, its year is
/// two digits, or 生まれ follows.
fn is_birth_date(found: &regex::Captures<'_>, after: &str) -> bool {
    let Some(year) = found.name("year") else {
        return true;
    };
    let born = BORN.iter().any(|b| after.trim_start().starts_with(b));
    match year.as_str().parse::<u32>() {
        Ok(y) if year.as_str().len() == 4 => y < 2015 || born,
        Ok(_) => true,
        Err(_) => born,
    }
}

/// What a run of digits is, if it can identify someone: four digits or more (or a
/// 〒 code), except a year from 2015 on or an amount, count or time.
fn number_kind(run: &str, after: &str) -> Option<PiiKind> {
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    let postal_mark = run.starts_with('〒');
    if digits.len() < 4 && !(postal_mark && digits.len() >= 3) {
        return None;
    }
    let single_group = run.chars().all(|c| c.is_ascii_digit());
    if single_group && is_quantity(&digits, after) {
        return None;
    }
    let groups: Vec<&str> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let kind = if postal_mark || (groups.len() == 2 && groups[0].len() == 3 && groups[1].len() == 4)
    {
        PiiKind::PostalCode
    } else if (digits.starts_with('0') && (10..=11).contains(&digits.len()))
        || (run.starts_with('+') && digits.len() >= 10)
    {
        PiiKind::Phone
    } else {
        PiiKind::Number
    };
    Some(kind)
}

/// Units after a number that make it a quantity (`lang/ja/pii/quantity_units.txt`).
static QUANTITY_UNITS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    super::words::word_list(include_str!("../../lang/ja/pii/quantity_units.txt")).collect()
});

/// A single group of digits followed by a unit is a quantity, not an identifier:
/// `3000円`, `1200件`; followed by 年, a year from 2015 on (earlier years are birth
/// years).
fn is_quantity(digits: &str, after: &str) -> bool {
    let after = after.trim_start();
    if after.starts_with('年') {
        return digits
            .parse::<u32>()
            .is_ok_and(|y| (2015..2100).contains(&y));
    }
    QUANTITY_UNITS.iter().any(|unit| after.starts_with(unit))
}
