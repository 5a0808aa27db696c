//! End to end: the `kotae` command line as an FAQ editor and CI use it.

mod common;

use common::{kotae, run, shipped_faq};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_missing_dictionary_source_is_one_clear_error() {
    let index = tempfile::tempdir().unwrap();
    let output = kotae()
        .env("KOTAE_DICT_DIR", index.path().join("dict"))
        .arg("--faq")
        .arg(shipped_faq())
        .arg("--index")
        .arg(index.path())
        .args(["--ipadic-src", "/nonexistent/ipadic", "ask", "クレカ"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("apt-get install -y mecab-ipadic"),
        "{message}"
    );
    assert!(message.contains("--ipadic-src"), "{message}");
    assert!(
        !message.contains("panicked") && !message.contains("backtrace"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "{message}");
}

#[test]
fn ask_exits_0_when_answered_and_1_when_not() {
    let index = tempfile::tempdir().unwrap();
    let answered = run(
        &shipped_faq(),
        index.path(),
        &["ask", "クレジットカードの情報は大丈夫ですか"],
    );
    assert_eq!(answered.status.code(), Some(0), "{}", stderr(&answered));
    assert!(
        stdout(&answered).contains("ならコープではクレジットカードの情報は保持しておりません。")
    );
    let fallback = run(&shipped_faq(), index.path(), &["ask", "明日の天気は？"]);
    assert_eq!(fallback.status.code(), Some(1));
    assert!(stdout(&fallback).contains("0120-911-922"));
    let json = run(
        &shipped_faq(),
        index.path(),
        &["ask", "--json", "クレカ大丈夫？"],
    );
    let reply: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(reply["candidates"][0]["id"], "credit-card");
}

#[test]
fn tokenize_shows_user_dictionary_words_as_one_token() {
    let index = tempfile::tempdir().unwrap();
    let output = run(
        &shipped_faq(),
        index.path(),
        &["tokenize", "ならっぴカードとスマイルポイントと出資金"],
    );
    let text = stdout(&output);
    for word in ["ならっぴカード", "スマイルポイント", "出資金"] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{word}\t"))),
            "{word}: {text}"
        );
    }
}

#[test]
fn eval_json_ends_with_exactly_the_report_keys() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.jsonl");
    std::fs::write(
        &file,
        "{\"question\":\"クレジットカードの情報は大丈夫ですか\",\"expected\":[\"credit-card\"]}\n{\"question\":\"明日の天気\",\"expected\":[]}\n",
    )
    .unwrap();
    let output = run(
        &shipped_faq(),
        index.path(),
        &["eval", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let last: serde_json::Value =
        serde_json::from_str(text.trim().lines().last().unwrap()).unwrap();
    let mut keys: Vec<&str> = last
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "answered_correct",
            "calibration_error",
            "mrr",
            "n",
            "n_in_scope",
            "oos_rejection",
            "recall_at_3",
            "top1",
            "wrong_answer_rate"
        ]
    );
    assert_eq!(last["n"], 2);
    assert_eq!(last["top1"], 1.0);
}

#[test]
fn explain_names_the_rule_and_eval_switches_one_off() {
    let index = tempfile::tempdir().unwrap();
    let explained = run(
        &shipped_faq(),
        index.path(),
        &["explain", "電話がつながりません"],
    );
    let text = stdout(&explained);
    assert!(text.contains("rule:       problem-report"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.jsonl");
    std::fs::write(
        &file,
        "{\"question\":\"電話がつながりません\",\"expected\":[\"contact\"]}\n",
    )
    .unwrap();
    let eval = |rule: &str| {
        let output = run(
            &shipped_faq(),
            index.path(),
            &["eval", file.to_str().unwrap(), "--json", "--without", rule],
        );
        (output.status.code(), stdout(&output), stderr(&output))
    };
    // Without the rule, the question reaches the next ones in order.
    let (code, out, err) = eval("rule:problem-report");
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains("reports a problem"), "{out}");
    let (code, _, err) = eval("rule:no-such-rule");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("unknown rule") && err.contains("problem-report"),
        "{err}"
    );
}

#[test]
fn a_loanword_typed_in_kana_is_the_faqs_latin_word() {
    // A real collection writes `VOICEVOX` and `Ubuntu`; members type them in kana,
    // whole (`ウブントゥ`) or split by the analyzer (`ボイス` + `ボックス`).
    let faq =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/collections/voicevox/faq");
    let index = tempfile::tempdir().unwrap();
    for (question, word) in [
        ("ウブントゥで動かない", "ubuntu"),
        ("ボイスボックスを最新版にしたい", "voicevox"),
    ] {
        let output = run(&faq, index.path(), &["explain", question]);
        let text = stdout(&output);
        let json = &text[text.find("\n{").map_or(0, |i| i + 1)..];
        let explain: serde_json::Value = serde_json::from_str(json).unwrap();
        let concepts = explain["concepts"].as_array().unwrap();
        assert!(
            concepts.iter().any(|c| c["alternatives"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a[0] == word)),
            "{question}: {text}"
        );
    }
}

#[test]
fn eval_reports_a_malformed_line_with_its_number() {
    let index = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.jsonl");
    std::fs::write(&file, "{\"question\":\"a\",\"expected\":[]}\nnot json\n").unwrap();
    let output = run(
        &shipped_faq(),
        index.path(),
        &["eval", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.jsonl:2"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_invalid_faq_is_refused_naming_file_and_entry() {
    let index = tempfile::tempdir().unwrap();
    let faq = tempfile::tempdir().unwrap();
    std::fs::write(
        faq.path().join("broken.json"),
        r#"[{"id":"a","question":"q","answer":"x"},{"id":"a","question":"q","answer":"y"}]"#,
    )
    .unwrap();
    let output = run(faq.path(), index.path(), &["index"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("broken.json") && message.contains("duplicate id"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_dir(index.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-"))
            .count(),
        0
    );
}

#[test]
fn another_faq_collection_loads_from_its_own_directory() {
    let index = tempfile::tempdir().unwrap();
    let faq = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/city");
    let output = run(
        &faq,
        index.path(),
        &["ask", "印鑑登録の方法を教えてください"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("[seal-registration]"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn index_is_built_once_and_reused_until_the_faq_changes() {
    let index = tempfile::tempdir().unwrap();
    let faq = tempfile::tempdir().unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/city");
    for item in std::fs::read_dir(&source).unwrap() {
        let path = item.unwrap().path();
        std::fs::copy(&path, faq.path().join(path.file_name().unwrap())).unwrap();
    }
    let first = stdout(&run(faq.path(), index.path(), &["index"]));
    assert!(first.starts_with("built"), "{first}");
    let second = stdout(&run(faq.path(), index.path(), &["index"]));
    assert!(second.starts_with("up to date"), "{second}");
    std::fs::write(faq.path().join("synonyms.txt"), "印鑑, はんこ, 判子\n").unwrap();
    let third = stdout(&run(faq.path(), index.path(), &["index"]));
    assert!(third.starts_with("built"), "{third}");
}

#[test]
fn a_half_written_generation_is_rebuilt_not_served() {
    let index = tempfile::tempdir().unwrap();
    let faq = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/city");
    let first = stdout(&run(&faq, index.path(), &["index"]));
    let generation = first.split_whitespace().nth(1).unwrap().to_string();
    // Simulate a crash that left the segment files damaged.
    for item in std::fs::read_dir(&generation).unwrap() {
        let path = item.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("kotae-manifest.json") {
            std::fs::write(&path, b"{ half").unwrap();
        }
    }
    let output = run(
        &faq,
        index.path(),
        &["ask", "印鑑登録の方法を教えてください"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // A leftover build directory from a crash is never opened either.
    std::fs::create_dir_all(index.path().join(".build-1-1")).unwrap();
    let output = run(
        &faq,
        index.path(),
        &["ask", "印鑑登録の方法を教えてください"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn review_groups_unanswered_questions_with_candidates_and_feedback() {
    use kotae::redact::redact;
    use kotae::store::{Feedback, SqliteStore, Store, Unanswered};
    let data = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(data.path()).unwrap();
    for question in [
        "出資金を返金してほしい",
        "出資金の返金をお願いしたい",
        "配達曜日を変えたい",
    ] {
        let candidates = if question.contains("出資金") {
            vec!["investment-points".to_string()]
        } else {
            vec![]
        };
        store
            .record_unanswered(&Unanswered::new(
                redact(question, None),
                "clarify",
                0.3,
                candidates,
            ))
            .unwrap();
    }
    store
        .record_feedback(&Feedback::new("investment-points", false, None))
        .unwrap();
    drop(store);
    let index = tempfile::tempdir().unwrap();
    let output = run(
        &shipped_faq(),
        index.path(),
        &["review", "--data", data.path().to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let first = text.lines().next().unwrap();
    assert!(
        first.trim_start().starts_with("2×") && first.contains("出資金"),
        "{text}"
    );
    assert!(
        text.contains("offered investment-points ×2") && text.contains("👎 1"),
        "{text}"
    );
}

/// Another organisation's FAQ as its FAQ tool exports it: Shift_JIS CSV with
/// Japanese headers, alternates one per line in their cell.
fn city_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let text = "質問,回答,言い換え,カテゴリ\r\n\
        転入届はどこで出せますか,市民課の窓口か各支所で受け付けています。,\"引っ越してきたときの手続き\n住所を移す届け出\",届出\r\n\
        図書館の本は何冊まで借りられますか,一人10冊まで、2週間借りられます。,本の貸出冊数,図書館\r\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let path = dir.join("city.csv");
    std::fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn an_imported_spreadsheet_is_a_faq_kotae_answers_from() {
    let work = tempfile::tempdir().unwrap();
    let csv = city_csv(work.path());
    let faq = work.path().join("faq");
    let index = work.path().join("index");
    let imported = run(&faq, &index, &["import", csv.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(faq.join("city.json").is_file());
    let asked = run(&faq, &index, &["ask", "転入届はどこで出せますか", "--json"]);
    let reply: serde_json::Value = serde_json::from_slice(&asked.stdout).unwrap();
    assert_eq!(reply["decision"], "answer", "{reply}");
    // Exported as Excel and imported again: the same entries.
    let xlsx = work.path().join("city.xlsx");
    let exported = run(
        &faq,
        &index,
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let again = work.path().join("again");
    let reimported = run(&again, &index, &["import", xlsx.to_str().unwrap()]);
    assert!(
        reimported.status.success(),
        "{}",
        String::from_utf8_lossy(&reimported.stderr)
    );
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(faq.join("city.json")).unwrap()).unwrap();
    let second: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(again.join("city.json")).unwrap()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_csv_file_in_the_faq_directory_is_served_like_json() {
    let work = tempfile::tempdir().unwrap();
    let faq = work.path().join("faq");
    std::fs::create_dir(&faq).unwrap();
    city_csv(&faq);
    let asked = run(
        &faq,
        &work.path().join("index"),
        &["ask", "図書館の本は何冊まで借りられますか", "--json"],
    );
    let reply: serde_json::Value = serde_json::from_slice(&asked.stdout).unwrap();
    assert_eq!(reply["decision"], "answer", "{reply}");
}

#[test]
fn an_import_error_names_the_file_row_and_column_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("broken.csv");
    std::fs::write(&csv, "question,answer\n住民票は？,\n").unwrap();
    let faq = work.path().join("faq");
    let imported = run(
        &faq,
        &work.path().join("index"),
        &["import", csv.to_str().unwrap()],
    );
    assert_eq!(imported.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&imported.stderr);
    assert!(stderr.contains("broken.csv: row 2, column 2"), "{stderr}");
    assert!(!faq.join("broken.json").exists());
}

#[test]
fn near_duplicate_entries_are_reported_when_indexing() {
    let work = tempfile::tempdir().unwrap();
    let faq = work.path().join("faq");
    std::fs::create_dir(&faq).unwrap();
    std::fs::write(
        faq.join("city.json"),
        r#"[
          {"id": "moving-in", "question": "転入届はどこで出せますか", "answer": "市民課です。"},
          {"id": "moving-in-2", "question": "転入届はどこに出せますか？", "answer": "市民課の窓口です。"}
        ]"#,
    )
    .unwrap();
    let output = run(&faq, &work.path().join("index"), &["index"]);
    assert!(output.status.success());
    let warning = String::from_utf8_lossy(&output.stderr);
    assert!(
        warning.contains("\"moving-in\"") && warning.contains("\"moving-in-2\""),
        "{warning}"
    );
}

#[test]
fn kotae_works_without_the_semantic_model_and_names_a_broken_one() {
    let index = tempfile::tempdir().unwrap();
    // Switched off, or nothing installed there: answers as before, choices by words.
    for dir in ["off", "/nonexistent/kotae-semantic"] {
        let output = run(
            &shipped_faq(),
            index.path(),
            &[
                "--semantic-dir",
                dir,
                "ask",
                "クレジットカードの情報は大丈夫ですか",
            ],
        );
        assert_eq!(output.status.code(), Some(0), "{dir}: {}", stderr(&output));
        assert!(stdout(&output).contains("credit-card"), "{dir}");
    }
    // A directory that is there but holds no engine: one clear error, exit 2.
    let broken = tempfile::tempdir().unwrap();
    let output = run(
        &shipped_faq(),
        index.path(),
        &[
            "--semantic-dir",
            broken.path().to_str().unwrap(),
            "ask",
            "クレカ",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("install-semantic.sh"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

/// The concepts `kotae explain` reports for `question` on `faq`, with the synonym
/// dictionary installed in `synonyms` (or `off`).
fn explained_concepts(
    faq: &std::path::Path,
    synonyms: &std::path::Path,
    question: &str,
) -> serde_json::Value {
    let index = tempfile::tempdir().unwrap();
    let output = kotae()
        .arg("--faq")
        .arg(faq)
        .arg("--index")
        .arg(index.path())
        .arg("--synonyms-dir")
        .arg(synonyms)
        .args(["explain", question])
        .output()
        .unwrap();
    let text = stdout(&output);
    let json = text
        .lines()
        .find(|line| line.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON in {text} / {}", stderr(&output)));
    serde_json::from_str::<serde_json::Value>(json).unwrap()["concepts"].clone()
}

#[test]
fn a_general_synonym_is_partial_evidence_for_a_word_no_phrasing_uses() {
    let faq = tempfile::tempdir().unwrap();
    std::fs::write(
        faq.path().join("faq.json"),
        r#"[{"id": "ticket-cancel", "question": "チケットのキャンセルはできますか？",
             "answer": "公演の3日前までならキャンセルできます。"},
            {"id": "parking", "question": "駐車場はありますか？", "answer": "ありません。"}]"#,
    )
    .unwrap();
    // A dictionary as scripts/install-synonyms.sh leaves it: the JSON and its checksum.
    let synonyms = tempfile::tempdir().unwrap();
    std::fs::write(
        synonyms.path().join("synonyms.json"),
        r#"[{"id": "000001", "items": [
            {"expandControl": 0, "vocabularyNumber": 1, "midashi": "キャンセル"},
            {"expandControl": 0, "vocabularyNumber": 1, "midashi": "取り消し"}]}]"#,
    )
    .unwrap();
    std::fs::write(synonyms.path().join("SHA256"), "cli-test-fixture\n").unwrap();

    let with = explained_concepts(faq.path(), synonyms.path(), "チケットを取り消したい");
    let cancel = with
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"] == "取消")
        .unwrap_or_else(|| panic!("{with}"));
    assert_eq!(
        cancel["heads"],
        serde_json::json!([["きゃんせる"]]),
        "{with}"
    );

    let without = explained_concepts(
        faq.path(),
        std::path::Path::new("off"),
        "チケットを取り消したい",
    );
    assert!(
        without
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("heads").is_none()),
        "{without}"
    );
}
