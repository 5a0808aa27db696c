//! Writes a synthetic FAQ base of N entries for scale benchmarks: realistic
//! Japanese recombined from real co-op terms and sentence patterns, each entry with
//! three alternates. Deterministic (a fixed-seed generator), so runs are comparable.
//!
//! `cargo run --release --example synth_faq -- 10000 /tmp/faq-10k`

use std::io::Write;

const TOPICS: &[&str] = &[
    "出資金",
    "ならっぴカード",
    "クレジットカード",
    "引落口座",
    "組合員番号",
    "住所",
    "電話番号",
    "メールアドレス",
    "購入履歴",
    "スマイルポイント",
    "あったかポイント",
    "宅配",
    "店舗",
    "コープ共済",
    "保険",
    "ギフト",
    "注文",
    "配達",
    "返品",
    "商品",
    "チラシ",
    "アプリ",
    "ホームページ",
    "領収書",
    "駐車場",
    "会員登録",
    "パスワード",
    "カタログ",
    "生年月日",
    "口座振替",
    "請求書",
    "eフレンズ",
    "お米",
    "牛乳",
    "冷凍食品",
    "アレルギー表示",
    "配達曜日",
    "配達時間",
    "受け取り",
    "置き配",
];
const ASPECTS: &[&str] = &[
    "変更",
    "確認",
    "登録",
    "削除",
    "停止",
    "再発行",
    "申し込み",
    "解約",
    "問い合わせ",
    "利用",
    "支払い",
    "受け取り",
    "キャンセル",
    "追加",
    "照会",
    "更新",
    "移行",
    "相談",
];
const PLACES: &[&str] = &[
    "ホームページ",
    "電話",
    "店舗の窓口",
    "配達担当者",
    "アプリ",
    "郵送",
];
const SEASONS: &[&str] = &["春", "夏", "秋", "冬", "年末", "年度末", "お盆", "連休中"];
const QUESTION_PATTERNS: &[&str] = &[
    "{s}の{t}の{a}はどうすればいいですか？",
    "{s}に{t}を{a}したいのですが、方法を教えてください。",
    "{s}でも{t}の{a}はできますか？",
    "{t}の{a}について、{s}の扱いを知りたいです。",
];
const ALTERNATE_PATTERNS: &[&str] = &[
    "{s}の{t}の{a}方法",
    "{t}を{a}したい（{s}）",
    "{s}は{t}の{a}ができる？",
    "{t}の{a}、{s}はどうなりますか",
    "{s}に{t}の{a}をお願いしたい",
];
const DETAILS: &[&str] = &[
    "手続きには組合員番号が必要です。",
    "受付後、数日で反映されます。",
    "ご不明な点はお問い合わせ窓口までご連絡ください。",
    "一部の商品は対象外です。",
    "詳しくは最新のお知らせをご覧ください。",
];

/// xorshift64*: a tiny deterministic generator (no dependency needed for this).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

fn fill(pattern: &str, season: &str, topic: &str, aspect: &str) -> String {
    pattern
        .replace("{s}", season)
        .replace("{t}", topic)
        .replace("{a}", aspect)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dir = std::path::PathBuf::from(
        args.next()
            .unwrap_or_else(|| format!("/tmp/kotae-synth-{n}")),
    );
    std::fs::create_dir_all(&dir)?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let (topic, aspect) = (
            TOPICS[i % TOPICS.len()],
            ASPECTS[(i / TOPICS.len()) % ASPECTS.len()],
        );
        let season = format!(
            "{}{}",
            2020 + (i / (TOPICS.len() * ASPECTS.len())) % 200,
            rng.pick(SEASONS)
        );
        let question = fill(rng.pick(QUESTION_PATTERNS), &season, topic, aspect);
        let alternates: Vec<String> = (0..3)
            .map(|_| fill(rng.pick(ALTERNATE_PATTERNS), &season, topic, aspect))
            .collect();
        let answer = format!(
            "{season}の{topic}の{aspect}は、{}から手続きできます。{}{}",
            rng.pick(PLACES),
            rng.pick(DETAILS),
            rng.pick(DETAILS)
        );
        entries.push(serde_json::json!({
            "id": format!("synth-{i}"),
            "question": question,
            "answer": answer,
            "alternates": alternates,
            "category": topic,
            "source": "synthetic"
        }));
    }
    let mut file = std::fs::File::create(dir.join("synthetic.json"))?;
    file.write_all(serde_json::to_string(&entries)?.as_bytes())?;
    for extra in ["synonyms.txt", "userdict.csv"] {
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("faq")
            .join(extra);
        std::fs::copy(shipped, dir.join(extra))?;
    }
    println!("wrote {n} entries to {}", dir.display());
    Ok(())
}
