//! What a question asks *for*, beyond its words: whether it wants a procedure
//! (`変更したい`, `チャージするには`, `返金方法`). This FAQ's entries say what happened
//! and what is safe; a procedure question sharing their words is a classic near miss.

use crate::analysis;

/// Nouns that ask for a procedure (`方法`, `手続き`).
const PROCEDURE_NOUNS: &[&str] = &[
    "方法",
    "手続き",
    "手続",
    "やり方",
    "仕方",
    "使い方",
    "申し込み",
    "申込",
    "申請",
    "登録方法",
];

/// Verbs before `たい` that ask to *know* or to *talk to someone*, not to *do*.
const KNOWING_VERBS: &[&str] = &[
    "知る",
    "聞く",
    "教える",
    "分かる",
    "わかる",
    "確認",
    "確かめる",
    "話す",
    "相談",
    "問い合わせる",
    "問い合わせ",
    "電話",
    "連絡",
];

/// Whether a text asks how to *do* something (`変更したい`, `チャージするには`,
/// `返金方法`, `貯め方`) rather than about what happened. This FAQ's entries answer the
/// latter; a procedure question sharing their words is a classic near miss.
pub fn asks_for_procedure(morphemes: &[analysis::Morpheme]) -> bool {
    fn pos(m: &analysis::Morpheme) -> &str {
        m.pos.first().map(String::as_str).unwrap_or("")
    }
    morphemes.iter().enumerate().any(|(i, m)| {
        let previous_verb = morphemes[..i].iter().rev().find(|p| {
            pos(p) == "動詞" || (pos(p) == "名詞" && p.pos.get(1).is_some_and(|s| s == "サ変接続"))
        });
        let wants = m.base == "たい"
            && pos(m) == "助動詞"
            && previous_verb.is_some_and(|v| {
                let verb = if v.base == "する" {
                    morphemes[..i]
                        .iter()
                        .rev()
                        .nth(1)
                        .map(|n| n.base.as_str())
                        .unwrap_or("")
                } else {
                    v.base.as_str()
                };
                !KNOWING_VERBS.contains(&verb) && !KNOWING_VERBS.contains(&v.base.as_str())
            });
        let how_to = m.surface == "に"
            && i > 0
            && pos(&morphemes[i - 1]) == "動詞"
            && morphemes.get(i + 1).is_some_and(|n| n.surface == "は");
        // `貯め方`, `選び方`: a verb stem and the suffix 方 (way of doing).
        let way_of = m.base == "方"
            && m.pos.get(1).is_some_and(|s| s == "接尾")
            && i > 0
            && pos(&morphemes[i - 1]) == "動詞";
        wants || how_to || way_of || PROCEDURE_NOUNS.contains(&m.base.as_str())
    })
}
