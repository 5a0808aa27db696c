//! In-process latency of analysis, `ask` and `search` on the shipped FAQ, over a
//! rotating mix of real member questions (our tuning set), with the defaults (the
//! semantic model orders the choices when kotae does not answer) and with words
//! only.
//!
//! `cargo bench --bench matcher`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use kotae::analysis::FieldKind;
use kotae::config::{Config, Limits, Paths};
use kotae::matcher::{Ablation, Matcher, Question};

/// The same allocator as the shipped binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The matcher with its defaults, or with the semantic model switched off
/// (`words_only`): choices are then ordered by words alone.
fn build_matcher(words_only: bool) -> (Matcher, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = tempfile::tempdir().expect("temp dir");
    let config = Config {
        paths: Paths {
            faq: root.join("faq"),
            index: index.path().to_path_buf(),
            dict_dir: Some(root.join("target/test-dictionary")),
            ..Paths::default()
        },
        ..Config::default()
    };
    let ablation = Ablation {
        no_semantic: words_only,
        ..Ablation::default()
    };
    let matcher = Matcher::build_with(&config, ablation, Default::default()).expect("matcher");
    (matcher, index)
}

fn questions() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/tune.jsonl");
    std::fs::read_to_string(path)
        .expect("tune.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["question"].as_str().map(str::to_string))
        .collect()
}

fn bench(c: &mut Criterion) {
    let (matcher, _index) = build_matcher(false);
    let (words_only, _words_index) = build_matcher(true);
    let questions = questions();
    assert!(questions.len() >= 100);
    let limits = Limits::default();
    let asks: Vec<Question> = questions
        .iter()
        .map(|q| Question::new(q, 3, false, &limits).expect("valid"))
        .collect();

    let mut i = 0;
    c.bench_function("analysis (all fields, one pass)", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            black_box(matcher.analyzer().analyze(&questions[i]).expect("analysis"))
        })
    });
    let mut i = 0;
    c.bench_function("analysis (terms field only)", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            black_box(
                matcher
                    .analyzer()
                    .terms(&questions[i], FieldKind::Terms)
                    .expect("terms"),
            )
        })
    });
    let mut i = 0;
    c.bench_function("ask (rotating mix)", |b| {
        b.iter(|| {
            i = (i + 1) % asks.len();
            black_box(matcher.ask(&asks[i]).expect("ask"))
        })
    });
    let mut i = 0;
    c.bench_function("ask, words only (rotating mix, without semantic)", |b| {
        b.iter(|| {
            i = (i + 1) % asks.len();
            black_box(words_only.ask(&asks[i]).expect("ask"))
        })
    });
    let mut i = 0;
    c.bench_function("search (rotating mix, 10 results)", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            black_box(matcher.search(&questions[i], 10, None).expect("search"))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
