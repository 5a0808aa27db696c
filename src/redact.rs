//! Redaction of personal data in free text before it is logged or stored.
//!
//! Members write their phone number, e-mail address or member number into the
//! question box, often while asking whether exactly that data leaked. kotae never
//! writes such text anywhere without passing it through [`redact`] first.
//!
//! The text is NFKC-normalized first, so full-width digits (`０９０`) and symbols are
//! caught by the same rules; each rule replaces what it finds with a placeholder
//! naming the kind of data. Rules run from the most specific (e-mail, phone, postal
//! code) to the most general (digits in groups, any run of six or more digits).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// One redaction rule: what it finds and what replaces it.
struct Rule {
    name: &'static str,
    pattern: Regex,
    placeholder: &'static str,
}

fn rule(name: &'static str, pattern: &str, placeholder: &'static str) -> Rule {
    Rule {
        name,
        // The patterns are literals of this file, covered by the tests below.
        pattern: Regex::new(pattern).unwrap_or_else(|e| panic!("redaction rule {name}: {e}")),
        placeholder,
    }
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        rule(
            "email",
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+",
            "[メールアドレス]",
        ),
        rule(
            "phone",
            r"\(?0\d{1,4}\)?[\-\s]?\d{1,4}[\-\s]?\d{3,4}",
            "[電話番号]",
        ),
        rule(
            "postal-code",
            r"〒\s*\d{3}-?\d{4}|(?-u:\b)\d{3}-\d{4}(?-u:\b)",
            "[郵便番号]",
        ),
        rule("grouped-digits", r"\d{4}(?:[\-\s]\d{3,4})+", "[番号]"),
        rule("digit-run", r"\d{6,}", "[番号]"),
        rule(
            "name",
            r"(名前|氏名|なまえ|お名前)(は|:|：|を)\s*[^\s、。,.!?！？]{1,12}?(です|と申します|といいます|と言います|[\s、。,.!?！？]|$)",
            "${1}${2}[氏名]${3}",
        ),
    ]
});

/// The names of the rules, in the order they run (for documentation and tests).
pub fn rule_names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.name).collect()
}

/// Returns `text` with personal data replaced by placeholders.
pub fn redact(text: &str) -> String {
    redact_except(text, None)
}

/// [`redact`] with one rule switched off (tests prove each rule is needed).
fn redact_except(text: &str, skipped: Option<&str>) -> String {
    let mut redacted = String::with_capacity(text.len());
    for c in text.nfkc() {
        // Dashes typed between digits (`090ー1234`) are hyphens.
        let dash = matches!(c, 'ー' | '‐' | '‑' | '–' | '—' | '−' | '―' | '－');
        let after_digit = redacted
            .chars()
            .next_back()
            .is_some_and(|p| p.is_ascii_digit());
        redacted.push(if dash && after_digit { '-' } else { c });
    }
    for rule in RULES.iter().filter(|r| Some(r.name) != skipped) {
        if rule.pattern.is_match(&redacted) {
            redacted = rule
                .pattern
                .replace_all(&redacted, rule.placeholder)
                .into_owned();
        }
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with personal data → what must not survive redaction.
    const CASES: &[(&str, &str)] = &[
        ("電話番号は090-1234-5678です", "1234"),
        ("09012345678に電話ください", "12345678"),
        ("０９０ー１２３４ー５６７８", "5678"),
        ("０９０１２３４５６７８", "5678"),
        ("03-1234-5678まで", "1234"),
        ("0120-911-922に電話しました", "911"),
        ("メールはtaro.yamada@example.co.jpです", "yamada"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "taro"),
        ("〒630-8123 奈良市", "8123"),
        ("住所は630-8123です", "8123"),
        ("組合員番号は12345678です", "12345678"),
        ("口座番号 1234567 の件", "1234567"),
        ("口座は1234 5678です", "5678"),
        ("名前は山田花子です", "山田花子"),
        ("氏名：鈴木一郎、電話", "鈴木一郎"),
        ("私の名前は佐藤と申します", "佐藤"),
    ];

    #[test]
    fn personal_data_never_survives() {
        for (text, secret) in CASES {
            let redacted = redact(text);
            assert!(!redacted.contains(secret), "{text} → {redacted}");
        }
    }

    #[test]
    fn placeholders_say_what_was_there() {
        assert_eq!(redact("090-1234-5678に電話"), "[電話番号]に電話");
        assert_eq!(redact("a@b.jp"), "[メールアドレス]");
        assert_eq!(redact("〒630-8123"), "[郵便番号]");
        assert_eq!(redact("番号12345678"), "番号[番号]");
        assert_eq!(redact("名前は山田です"), "名前は[氏名]です");
    }

    #[test]
    fn ordinary_questions_are_untouched() {
        for text in [
            "クレジットカードの情報は大丈夫ですか",
            "3か月以上かかったのはなぜ",
            "10月9日に何があったの",
            "2022年のトラブル",
            "名前も漏れましたか",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn every_rule_is_needed() {
        // Removing any one rule lets some case through: none is dead weight.
        for name in rule_names() {
            let leaked = CASES
                .iter()
                .any(|(text, secret)| redact_except(text, Some(name)).contains(secret));
            assert!(leaked, "rule {name} catches nothing the others miss");
        }
    }
}
