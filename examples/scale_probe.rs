//! Measures one FAQ base at scale: index build time and rate, index size, matcher
//! start-up, RSS, and ask/search latency percentiles over 1,000 rotating questions
//! taken from the base's own alternates (or from a labelled JSONL file's questions).
//! Prints one JSON line. Percentiles are per call, measured with `Instant`.
//!
//! `cargo run --release --example scale_probe -- /tmp/faq-10k /tmp/index-10k`
//! `cargo run --release --example scale_probe -- faq /tmp/index tests/eval/tune.jsonl`

use std::path::PathBuf;
use std::time::Instant;

use kotae::config::{Config, Limits, Paths};

/// The same allocator as the shipped binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use kotae::matcher::{Matcher, Question};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|items| {
            items
                .flatten()
                .map(|i| {
                    let path = i.path();
                    if path.is_dir() {
                        dir_size(&path)
                    } else {
                        i.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let faq = PathBuf::from(args.next().ok_or("usage: scale_probe FAQ_DIR INDEX_DIR")?);
    let index = PathBuf::from(args.next().ok_or("usage: scale_probe FAQ_DIR INDEX_DIR")?);
    let dict = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-dictionary");
    let config = Config {
        paths: Paths {
            faq,
            index,
            dict_dir: Some(dict),
            ..Paths::default()
        },
        ..Config::default()
    };
    let started = Instant::now();
    let matcher = Matcher::build(&config)?;
    let build_s = started.elapsed().as_secs_f64();
    let entries = matcher.faq().entries.len();
    let started = Instant::now();
    let reopened = Matcher::build(&config)?;
    let reopen_ms = started.elapsed().as_secs_f64() * 1000.0;
    drop(reopened);

    let questions: Vec<String> = match args.next() {
        Some(file) => std::fs::read_to_string(file)?
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["question"].as_str().map(str::to_string))
            .collect(),
        None => matcher
            .faq()
            .entries
            .iter()
            .step_by((entries / 1000).max(1))
            .filter_map(|e| e.alternates.first().cloned())
            .take(1000)
            .collect(),
    };
    let limits = Limits::default();
    let mut ask_us = Vec::new();
    let mut search_us = Vec::new();
    let asks: Vec<Question> = questions
        .iter()
        .map(|q| Question::new(q, 3, false, &limits))
        .collect::<Result<_, _>>()?;
    for round in 0..6 {
        for question in &asks {
            let t = Instant::now();
            std::hint::black_box(matcher.ask(question)?);
            if round > 0 {
                ask_us.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for round in 0..3 {
        for q in &questions {
            let t = Instant::now();
            std::hint::black_box(matcher.search(q, 10, None)?);
            if round > 0 {
                search_us.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    ask_us.sort_by(f64::total_cmp);
    search_us.sort_by(f64::total_cmp);
    println!(
        "{}",
        serde_json::json!({
            "entries": entries,
            "build_s": (build_s * 100.0).round() / 100.0,
            "build_entries_per_s": (entries as f64 / build_s).round(),
            "reopen_ms": reopen_ms.round(),
            "index_mib": (dir_size(&matcher.index().dir) as f64 / 1048576.0 * 10.0).round() / 10.0,
            "rss_mib": rss_kib("VmRSS:") / 1024,
            "peak_rss_mib": rss_kib("VmHWM:") / 1024,
            "ask_p50_us": percentile(&ask_us, 0.5).round(),
            "ask_p99_us": percentile(&ask_us, 0.99).round(),
            "search_p50_us": percentile(&search_us, 0.5).round(),
            "search_p99_us": percentile(&search_us, 0.99).round(),
        })
    );
    Ok(())
}
