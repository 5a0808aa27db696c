//! The shipped FAQ: the ids other tools rely on, and answers that are the notice's
//! own words (answers are official statements, never paraphrases).

mod common;

use std::path::Path;

use kotae::faq::Faq;

fn shipped() -> Faq {
    Faq::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")).unwrap()
}

#[test]
fn the_shipped_faq_has_exactly_the_agreed_ids_in_order() {
    let faq = shipped();
    let ids: Vec<&str> = faq.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, common::SHIPPED_IDS);
    for entry in &faq.entries {
        assert!(entry.alternates.len() >= 5, "{} needs alternates", entry.id);
        assert!(
            !entry.category.is_empty() && !entry.source.is_empty(),
            "{}",
            entry.id
        );
    }
    let hotline = faq.hotline().unwrap();
    assert_eq!(hotline.phone, "0120-911-922");
}

#[test]
fn every_answer_line_is_quoted_verbatim_from_the_notice() {
    let notice = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/notice.md");
    let Ok(notice) = std::fs::read_to_string(&notice) else {
        eprintln!("skipped: {} is not beside this checkout", notice.display());
        return;
    };
    for entry in shipped().entries {
        for line in entry.answer.lines() {
            assert!(
                notice.contains(line),
                "{}: not in the notice: {line}",
                entry.id
            );
        }
        if !matches!(entry.id.as_str(), "contact" | "incident-overview") {
            assert!(
                notice.contains(&format!("A {}", entry.answer)),
                "{}: the answer must be the notice's whole answer",
                entry.id
            );
        }
    }
}

#[test]
fn no_evaluation_question_is_copied_into_the_faq() {
    // Alternates are written as an editor would; an evaluation question copied into
    // the FAQ would measure memory, not matching.
    let normalize = |s: &str| {
        kotae::analysis::normalize::normalize(s)
            .text
            .trim_matches(|c: char| "?？。!！ ".contains(c))
            .to_string()
    };
    let faq = shipped();
    let phrasings: std::collections::HashSet<String> = faq
        .entries
        .iter()
        .flat_map(|e| std::iter::once(&e.question).chain(&e.alternates))
        .map(|p| normalize(p))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("tests/eval/tune.jsonl"),
        root.join("tests/eval/holdout.jsonl"),
    ];
    let sample = root.join("../shared/eval/sample.jsonl");
    if sample.exists() {
        files.push(sample);
    }
    for file in files {
        for labelled in kotae::eval::read(&file).unwrap() {
            assert!(
                !phrasings.contains(&normalize(&labelled.question)),
                "{} copies {:?} into the FAQ",
                file.display(),
                labelled.question
            );
        }
    }
}
