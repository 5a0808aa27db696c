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

/// The interrogative pronoun *what* (`何の情報`, `何が漏れた`).
const WHAT: &[&str] = &["何", "なに", "なん"];

/// Interrogative adnominals that ask which kind of thing (`どんな情報`).
const WHICH_ADNOMINALS: &[&str] = &["どの", "どんな", "どういった", "どういう"];

/// Nouns that ask for a list of things by themselves (`項目`, `一覧`).
const LIST_NOUNS: &[&str] = &["項目", "一覧", "種類", "内訳", "リスト", "範囲"];

/// Nouns after a *which* word that ask why, how or what something means, not
/// which things (`どういう意味`, `遅れた理由は何`).
const NOT_THINGS: &[&str] = &["理由", "原因", "意味", "方法", "訳", "わけ", "ふう", "風"];

/// Endings that ask for the identity of the noun before them (`情報は何ですか`,
/// `項目を教えてください`).
const WHAT_IS_ENDINGS: &[&str] = &[
    "は何",
    "はなに",
    "はなん",
    "って何",
    "ってなに",
    "を教え",
    "を知り",
    "はどれ",
];

/// Whether a text asks *which things* (`何の情報が漏れたの`, `どんな被害`,
/// `漏れたかもしれない情報は何ですか`) rather than whether something is so
/// (`情報は漏れたのですか`). Neighbouring entries share their words and differ in this.
pub fn asks_which(morphemes: &[analysis::Morpheme]) -> bool {
    let is_noun = |m: &analysis::Morpheme| {
        m.pos.first().is_some_and(|p| p == "名詞")
            && m.pos.get(1).is_none_or(|p| p != "非自立")
            && !NOT_THINGS.contains(&m.base.as_str())
    };
    morphemes.iter().enumerate().any(|(i, m)| {
        let next = morphemes.get(i + 1);
        let what_thing = WHAT.contains(&m.base.as_str())
            && next.is_some_and(|n| matches!(n.surface.as_str(), "の" | "が" | "を"));
        // `どのような情報`: skip `よう な`; `どのように` asks how, not which.
        let after_which = match (m.surface.as_str(), next) {
            ("どの", Some(n)) if n.surface == "よう" => morphemes
                .get(i + 2)
                .filter(|n| n.surface == "な")
                .and_then(|_| morphemes.get(i + 3)),
            _ => next,
        };
        let which_thing =
            WHICH_ADNOMINALS.contains(&m.surface.as_str()) && after_which.is_some_and(is_noun);
        // A noun modified by a clause and asked about (`漏れた情報は何ですか`).
        let clause_modified = i > 0 && is_noun(m) && {
            let before = &morphemes[i - 1];
            let attributive = before
                .pos
                .first()
                .is_some_and(|p| p == "動詞" || p == "形容詞")
                || matches!(before.base.as_str(), "た" | "ない" | "れる" | "られる");
            // The ending follows the whole compound (`ある個人情報は何`).
            let compound_end = morphemes[i..]
                .iter()
                .position(|n| !is_noun(n))
                .map_or(morphemes.len(), |p| i + p);
            let rest: String = morphemes[compound_end..]
                .iter()
                .take(3)
                .map(|n| n.surface.as_str())
                .collect();
            attributive && WHAT_IS_ENDINGS.iter().any(|e| rest.starts_with(e))
        };
        what_thing || which_thing || clause_modified || LIST_NOUNS.contains(&m.base.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    fn which(text: &str) -> bool {
        asks_which(&analyzer().analyze(text).unwrap().morphemes)
    }

    #[test]
    fn questions_about_which_things() {
        assert!(which("何の情報が漏れたのですか"));
        assert!(which("どんな被害が考えられますか"));
        assert!(which("どのような個人情報が対象ですか"));
        assert!(which("漏えいの可能性がある個人情報は何ですか"));
        assert!(which("漏れたかもしれない情報を教えてください"));
        assert!(which("対象の項目は"));
    }

    #[test]
    fn questions_whether_how_or_why_are_not_about_which_things() {
        assert!(!which("個人情報は漏れたのですか"));
        assert!(!which("どのように知らせているのですか"));
        assert!(!which("否定できないとはどういう意味ですか"));
        assert!(!which("遅れた理由は何ですか"));
        assert!(!which("氏名も対象ですか"));
    }

    #[test]
    fn procedures() {
        assert!(asks_for_procedure(
            &analyzer().analyze("住所を変更したい").unwrap().morphemes
        ));
        assert!(asks_for_procedure(
            &analyzer().analyze("ポイントの貯め方").unwrap().morphemes
        ));
        assert!(!asks_for_procedure(
            &analyzer().analyze("電話で相談したい").unwrap().morphemes
        ));
    }
}
