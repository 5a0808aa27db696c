//! Arbitrary input never panics and always finishes: normalization, analysis,
//! redaction, synonym and FAQ parsing, the whole matcher. (Property tests; no
//! timing assertions — a hang would fail by never finishing.)

mod common;

use std::sync::OnceLock;

use kotae::analysis::{FieldKind, normalize::normalize};
use kotae::config::Limits;
use kotae::faq::Faq;
use kotae::matcher::{Matcher, Question};
use kotae::redact::redact;
use proptest::prelude::*;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<(Matcher, tempfile::TempDir)> = OnceLock::new();
    &MATCHER.get_or_init(common::shipped_matcher).0
}

/// Text mixing what members type with what breaks naive code: control
/// characters, emoji with ZWJ, combining marks, right-to-left text, half-width
/// kana and voicing marks, iteration marks.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "クレジットカード",
        "ｸﾚｶ",
        "漏えい",
        "でんわばんごう",
        "出資金",
        "は",
        "？",
        "。",
        "\u{0}",
        "\u{7}",
        "\u{1b}[31m",
        "👨\u{200d}👩\u{200d}👧",
        "e\u{301}",
        "\u{202e}مرحبا",
        "ﾞ",
        "ﾟ",
        "ゞ",
        "々",
        "〒630-8123",
        "090-1234-5678",
        "a@b.jp",
        "\u{fffd}",
        " ",
        "\n",
        "𠮷",
        "\u{feff}",
        "ＡＢＣ",
        "３ヶ月",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_string), any::<String>()],
        0..20,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn normalization_keeps_offsets_inside_the_input(text in hostile_text()) {
        let normalized = normalize(&text);
        let (from, to) = normalized.original_range(0, normalized.text.len());
        prop_assert!(from <= to && to <= text.len());
    }

    #[test]
    fn analysis_never_fails_and_offsets_are_char_boundaries(text in hostile_text()) {
        let analyzer = matcher().analyzer();
        for kind in FieldKind::ALL {
            for term in analyzer.terms(&text, kind).unwrap() {
                prop_assert!(text.get(term.start..term.end).is_some(), "{:?}", term);
            }
        }
    }

    #[test]
    fn asking_anything_gets_a_reply_with_a_bounded_confidence(text in hostile_text()) {
        let limits = Limits::default();
        if let Ok(question) = Question::new(&text, 3, true, &limits) {
            let reply = matcher().ask(&question).unwrap();
            prop_assert!((0.0..=1.0).contains(&reply.confidence));
            prop_assert!(reply.candidates.len() <= 3);
        }
    }

    #[test]
    fn redaction_never_panics_and_removes_phone_numbers(text in hostile_text()) {
        let redacted = redact(&format!("{text}090-1234-5678{text}"), Some(matcher().analyzer()));
        prop_assert!(!redacted.as_str().contains("1234-5678"));
    }

    #[test]
    fn faq_and_synonym_files_are_parsed_or_refused_never_crash(
        entries in any::<String>(),
        synonyms in hostile_text(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.json"), &entries).unwrap();
        std::fs::write(dir.path().join("synonyms.txt"), &synonyms).unwrap();
        let _ = Faq::load(dir.path());
        let valid = r#"[{"id":"a","question":"質問","answer":"回答"}]"#;
        std::fs::write(dir.path().join("f.json"), valid).unwrap();
        let _ = Faq::load(dir.path());
    }
}

#[test]
fn a_very_long_question_is_analyzed_and_answered() {
    let long = "クレジットカードの情報は大丈夫ですか、".repeat(50);
    let limits = Limits {
        max_question_chars: 100_000,
        ..Limits::default()
    };
    let question = Question::new(&long, 3, false, &limits).unwrap();
    let reply = matcher().ask(&question).unwrap();
    assert_eq!(reply.candidates[0].id, "credit-card");
    let huge = "あ".repeat(200_000);
    for kind in FieldKind::ALL {
        matcher().analyzer().terms(&huge, kind).unwrap();
    }
}
