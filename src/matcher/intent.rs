//! What a question asks *for*, beyond its words, read from its form: a procedure
//! and its action (`変更したい`, `チャージするには`, `返金方法`), *which things*
//! (`何の情報が漏れたの`), a report that something does not work (`電話がつながらない`),
//! its main predicate, the kind of fact it asks for (a price, a time, a count), and
//! where the question of a long message starts. The same
//! functions read each entry's phrasings (and its answer, for what it says can or
//! cannot be done), so an entry's form is what its editor wrote, never a list kept in
//! code. Neighbouring entries share their words and differ in
//! these; a question sharing an entry's words but asking another thing is a classic
//! near miss.

use crate::analysis;
use crate::analysis::pos::{Class, Detail};
use crate::lang::Lang;

/// What a procedure question asks to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Procedure {
    /// The text does not ask how to do something.
    None,
    /// It asks how to do something it does not name (`方法を教えて`).
    Unnamed,
    /// It asks how to do this: the action's term (`削除`, `変更`).
    Action(String),
    /// It asks the co-op to do this (`再送してほしい`, `早く直してほしい`): a procedure
    /// unless the entry speaks of the action itself.
    Request(String),
    /// It asks whether the action can be done (`削除はできますか`): answered by an
    /// entry that asks the action or whose answer says whether it can be done
    /// (`引き出すことはできません`).
    Whether(String),
}

impl Procedure {
    /// Whether the text asks for a procedure at all.
    pub fn is_some(&self) -> bool {
        *self != Procedure::None
    }
}

/// What a text asks to *do* (`変更したい` → `変更`, `チャージするには`, `返金方法`,
/// `貯め方`), as opposed to asking about what happened. This FAQ's entries answer
/// the latter, and the one that answers a procedure (`削除してもらいたい`) answers
/// that procedure only: a question sharing their words but asking another is a
/// classic near miss.
pub fn procedure(analysis: &analysis::Analysis) -> Procedure {
    let reader = ProcedureReader {
        analysis,
        morphemes: &analysis.morphemes,
        lang: &analysis.lang,
    };
    (0..reader.morphemes.len())
        .find_map(|i| {
            reader
                .wants(i)
                .or_else(|| reader.how_by_doing(i))
                .or_else(|| reader.how_one_should(i))
                .or_else(|| reader.how_to_or_way_of(i))
                .or_else(|| reader.procedure_noun(i))
        })
        .unwrap_or(Procedure::None)
}

/// Reads the forms of a procedure question at each morpheme of one text.
struct ProcedureReader<'a> {
    analysis: &'a analysis::Analysis,
    morphemes: &'a [analysis::Morpheme],
    lang: &'a crate::lang::Lang,
}

impl ProcedureReader<'_> {
    /// `削除してもらう`, `登録し直す`: verbs that carry the request or the aspect.
    fn is_auxiliary(&self, m: &analysis::Morpheme) -> bool {
        self.lang.auxiliary_verbs.contains(&m.base)
            || (m.pos.class == Class::Verb && m.pos.sub() == Detail::Dependent)
    }

    fn term_at(&self, m: &analysis::Morpheme) -> Procedure {
        term_of(self.analysis, m).map_or(Procedure::Unnamed, Procedure::Action)
    }

    /// The nearest action in `range`, from its end, past auxiliaries.
    fn last_action(&self, range: std::ops::Range<usize>) -> Option<&analysis::Morpheme> {
        self.morphemes[range]
            .iter()
            .rev()
            .filter(|p| p.pos.is_action())
            .find(|p| !self.is_auxiliary(p))
    }

    fn at(&self, i: usize) -> Option<&analysis::Morpheme> {
        self.morphemes.get(i)
    }

    /// `Vたい` (not a concessive `たいけれど`), `Vてほしい`, `Nできますか`, or
    /// `どこで/どうすればVできますか`: the action wanted, unless it only asks to know
    /// or to talk (`知りたい`, `どこで確認できますか`).
    fn wants(&self, i: usize) -> Option<Procedure> {
        let m = &self.morphemes[i];
        let concessive = self.at(i + 1).is_some_and(|n| {
            matches!(
                n.base.as_str(),
                "けれど" | "けれども" | "けど" | "が" | "のに"
            ) && n.pos.sub() == Detail::Conjunctive
        });
        let asks_where_or_how = self.morphemes[..i]
            .iter()
            .any(|p| self.lang.where_or_how.contains(&p.base));
        // `知らせてほしかった` is a complaint, not a request.
        let requested = matches!(m.base.as_str(), "ほしい" | "欲しい")
            && i.checked_sub(1)
                .is_some_and(|p| self.morphemes[p].surface == "て")
            && self.at(i + 1).is_none_or(|n| n.base != "た");
        let can_do = self.can_do(i);
        let wants = (m.base == "たい" && m.pos.class == Class::Auxiliary && !concessive)
            || requested
            || can_do
            || (m.base == "できる" && m.pos.class == Class::Verb && asks_where_or_how);
        if !wants {
            return None;
        }
        match self.last_action(0..i) {
            Some(action) if self.lang.knowing_verbs.contains(&action.base) => None,
            Some(action) => Some(match self.term_at(action) {
                Procedure::Action(term) if requested => Procedure::Request(term),
                Procedure::Action(term) if can_do && !asks_where_or_how => Procedure::Whether(term),
                named => named,
            }),
            // `別の口座にしたい`: wants something done, names no action.
            None => Some(Procedure::Unnamed),
        }
    }

    /// `登録できますか`, `削除はできますか`: whether one can do the action, unless it
    /// is a state (`管理できていますか`) or asks what was done (`特定できましたか`).
    fn can_do(&self, i: usize) -> bool {
        let m = &self.morphemes[i];
        let verbal_noun_before = |at: usize| {
            self.at(at)
                .is_some_and(|p| p.pos.is_noun_of(Detail::SuruNoun))
        };
        let stative_or_done = self.at(i + 1).is_some_and(|n| n.surface == "て")
            && self.at(i + 2).is_some_and(|n| n.base == "いる")
            || self.morphemes[i + 1..]
                .iter()
                .take_while(|n| n.pos.class == Class::Auxiliary)
                .any(|n| matches!(n.base.as_str(), "た" | "ない" | "ん"));
        // `登録することはできますか`, `登録することは可能ですか`: the longer form of
        // `登録できますか` (a verbal noun and a light verb before `こと`).
        let verb_then_koto = |at: usize| {
            self.at(at).is_some_and(|p| p.base == "こと")
                && at
                    .checked_sub(1)
                    .and_then(|v| self.at(v))
                    .is_some_and(|v| v.pos.class == Class::Verb && self.is_auxiliary(v))
                && at.checked_sub(2).is_some_and(verbal_noun_before)
        };
        let possible = (m.base == "できる" && m.pos.class == Class::Verb)
            || (m.base == "可能" && m.pos.class == Class::Noun);
        possible
            && !stative_or_done
            && i.checked_sub(1).is_some_and(|p| {
                (m.base == "できる" && verbal_noun_before(p))
                    || (matches!(self.morphemes[p].surface.as_str(), "は" | "も" | "が")
                        && p.checked_sub(1).is_some_and(|q| {
                            (m.base == "できる" && verbal_noun_before(q)) || verb_then_koto(q)
                        }))
            })
    }

    /// `どうやって貯めるの`: how to do, unless it asks how something was done or
    /// happened to one (`どうやって調べたの`, `どうやって侵入されたの`). Who acts is not
    /// written, so the action is not named.
    fn how_by_doing(&self, i: usize) -> Option<Procedure> {
        let how_by_doing = self.morphemes[i].base == "どう"
            && self.at(i + 1).is_some_and(|n| n.base == "やる")
            && self.at(i + 2).is_some_and(|n| n.surface == "て");
        if !how_by_doing {
            return None;
        }
        let verb = self.morphemes[i + 3..]
            .iter()
            .position(|n| n.pos.class == Class::Verb && !self.is_auxiliary(n))
            .map(|p| i + 3 + p);
        let done_or_suffered = |v: usize| {
            self.morphemes[v + 1..]
                .iter()
                .take_while(|n| n.pos.class != Class::Particle || n.surface == "て")
                .any(|n| matches!(n.base.as_str(), "た" | "れる" | "られる"))
        };
        verb.is_some_and(|v| !done_or_suffered(v))
            .then_some(Procedure::Unnamed)
    }

    /// `どう気をつければいい`, `どう対応したらいい`: how one should do the action
    /// between `どう` and the conditional (`どうすればいい` names none).
    fn how_one_should(&self, i: usize) -> Option<Procedure> {
        let should = matches!(self.morphemes[i].surface.as_str(), "ば" | "たら")
            && self
                .at(i + 1)
                .is_some_and(|n| matches!(n.base.as_str(), "いい" | "よい" | "良い"));
        if !should {
            return None;
        }
        let how = self.morphemes[..i].iter().rposition(|p| p.base == "どう")?;
        Some(
            self.last_action(how + 1..i)
                .map_or(Procedure::Unnamed, |a| self.term_at(a)),
        )
    }

    /// `Vには` (how to V) and `V方` (way of V-ing).
    fn how_to_or_way_of(&self, i: usize) -> Option<Procedure> {
        let m = &self.morphemes[i];
        let how_to = m.surface == "に" && self.at(i + 1).is_some_and(|n| n.surface == "は");
        let way_of = m.base == "方" && m.pos.sub() == Detail::Suffix;
        let after_verb = i
            .checked_sub(1)
            .is_some_and(|p| self.morphemes[p].pos.class == Class::Verb);
        ((how_to || way_of) && after_verb).then(|| {
            self.last_action(0..i)
                .map_or(Procedure::Unnamed, |a| self.term_at(a))
        })
    }

    /// `返金方法`, `通知の方法` (the `procedure_nouns` list): the noun before names the
    /// action; after a verb (`削除する方法`) the action is the verb's. `不安で仕方
    /// ありません`, `仕方がない` is an idiom (can't help it), not a way of doing.
    fn procedure_noun(&self, i: usize) -> Option<Procedure> {
        let m = &self.morphemes[i];
        let idiom = m.base == "仕方"
            && self.morphemes[i + 1..]
                .iter()
                .find(|n| !matches!(n.surface.as_str(), "が" | "は" | "も"))
                .is_some_and(|n| matches!(n.base.as_str(), "ない" | "ある" | "なし"));
        if !self.lang.procedure_nouns.contains(&m.base) || idiom {
            return None;
        }
        let previous = i.checked_sub(1).map(|p| &self.morphemes[p]);
        let before = match previous {
            Some(p) if p.surface == "の" => i.checked_sub(2).map(|p| &self.morphemes[p]),
            other => other,
        };
        Some(match before {
            Some(p) if p.pos.class == Class::Noun && p.content => self.term_at(p),
            Some(p) if p.pos.class == Class::Verb => self
                .last_action(0..i)
                .map_or(Procedure::Unnamed, |a| self.term_at(a)),
            _ => Procedure::Unnamed,
        })
    }
}

/// The terms of the actions a text says can or cannot be done (`引き出すことは
/// できません` → `引き出す`, `残高照会もできません` → `照会`, `管理できております`
/// → `管理`): what an answer settles about a question asking whether it can.
pub fn stated_abilities(analysis: &analysis::Analysis) -> Vec<String> {
    let morphemes = &analysis.morphemes;
    let mut abilities = Vec::new();
    for (i, m) in morphemes.iter().enumerate() {
        if m.base != "できる" || m.pos.class != Class::Verb {
            continue;
        }
        // Back over `こと`, `は`/`も`/`が` and `する` to the action.
        let action = morphemes[..i]
            .iter()
            .rev()
            .find(|p| !matches!(p.base.as_str(), "こと" | "は" | "も" | "が" | "する"));
        let is_action =
            action.is_some_and(|p| p.pos.class == Class::Verb || p.pos.sub() == Detail::SuruNoun);
        if let Some(term) = action
            .filter(|_| is_action)
            .and_then(|p| term_of(analysis, p))
        {
            abilities.push(term);
        }
    }
    abilities
}

/// The term of the question's main predicate: its last content verb or adjective,
/// or verbal noun (`捨てる`, `できる`, `削除`), if it has one.
pub fn predicate(analysis: &analysis::Analysis) -> Option<String> {
    let m = analysis.morphemes.iter().rev().find(|m| {
        m.content
            && (matches!(m.pos.class, Class::Verb | Class::Adjective)
                || m.pos.sub() == Detail::SuruNoun)
    })?;
    term_of(analysis, m)
}

/// The term of what a text reports does not work or has not happened
/// (`電話がつながらない` → `つながる`): its last predicate, negated, with no question
/// after it. A negated question (`漏れていませんか`, `漏れてない？`) asks; a report
/// about what an entry says works wants a fix, which only an entry written for
/// that report has.
pub fn reported_problem(analysis: &analysis::Analysis) -> Option<String> {
    let morphemes = &analysis.morphemes;
    let last_predicate = morphemes
        .iter()
        .rposition(|m| m.content && m.pos.class == Class::Verb)?;
    let tail = &morphemes[last_predicate + 1..];
    // The ない of `かもしれない` (may have) negates nothing.
    let negated = morphemes[last_predicate..].windows(2).any(|pair| {
        pair[1].pos.class == Class::Auxiliary
            && matches!(pair[1].base.as_str(), "ない" | "ん" | "ぬ")
            && pair[0].base != "しれる"
    });
    let asked = tail.iter().any(|m| {
        matches!(
            m.surface.as_str(),
            "か" | "?" | "？" | "かな" | "ね" | "よね"
        )
    });
    if !negated || asked {
        return None;
    }
    term_of(analysis, &morphemes[last_predicate])
}

/// The term a content morpheme became (folded, base form), as concepts spell it.
fn term_of(analysis: &analysis::Analysis, morpheme: &analysis::Morpheme) -> Option<String> {
    analysis
        .terms
        .iter()
        .find(|t| t.start == morpheme.start)
        .map(|t| t.text.clone())
}

/// Content terms the question part of a long message must have: the last
/// sentence alone may be only `教えてください`.
const QUESTION_TERMS: usize = 2;

/// Byte offset where the question of a message starts: its last sentence, extended
/// back until it has [`QUESTION_TERMS`] content terms; 0 for a one-sentence
/// question. Members write the setting first and ask last.
pub fn question_start(analysis: &analysis::Analysis) -> usize {
    let ends = analysis
        .morphemes
        .iter()
        .filter(|m| matches!(m.surface.as_str(), "。" | "？" | "！" | "?" | "!"))
        .map(|m| m.end);
    for end in ends.rev() {
        let in_question = analysis.terms.iter().filter(|t| t.start >= end).count();
        if in_question >= QUESTION_TERMS {
            return end;
        }
    }
    0
}

/// Whether a text asks *which things* (`何の情報が漏れたの`, `どんな被害`,
/// `漏れたかもしれない情報は何ですか`) rather than whether something is so
/// (`情報は漏れたのですか`). Neighbouring entries share their words and differ in this.
pub fn asks_which(analysis: &analysis::Analysis) -> bool {
    let lang = &analysis.lang;
    let morphemes = &analysis.morphemes;
    let is_noun = |m: &analysis::Morpheme| {
        m.pos.class == Class::Noun
            && m.pos.sub() != Detail::Dependent
            && !lang.not_things.contains(&m.base)
    };
    morphemes.iter().enumerate().any(|(i, m)| {
        let next = morphemes.get(i + 1);
        let what_thing = lang.what_pronouns.contains(&m.base)
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
            lang.which_adnominals.contains(&m.surface) && after_which.is_some_and(is_noun);
        // A noun modified by a clause and asked about (`漏れた情報は何ですか`).
        let clause_modified = i > 0 && is_noun(m) && {
            let before = &morphemes[i - 1];
            let attributive = matches!(before.pos.class, Class::Verb | Class::Adjective)
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
            attributive && lang.what_is_endings.iter().any(|e| rest.starts_with(e))
        };
        what_thing || which_thing || clause_modified || lang.list_nouns.contains(&m.base)
    })
}

/// The kinds of fact a question asks for (`いくら`: a price), as bits in the order
/// of `lang.asked_facts`.
pub fn asked_facts(lang: &Lang, analysis: &analysis::Analysis) -> u32 {
    let is_boundary = |at: usize| {
        at == 0
            || at == analysis.normalized.len()
            || analysis
                .morphemes
                .iter()
                .any(|m| m.start == at || m.end == at)
    };
    kinds(lang, |fact| {
        fact.asked_in(&analysis.normalized, is_boundary)
    })
}

/// The kinds of fact a text states (`500円`: a price), as bits in the order of
/// `lang.asked_facts`.
pub fn stated_facts(lang: &Lang, analysis: &analysis::Analysis) -> u32 {
    kinds(lang, |fact| fact.states.is_match(&analysis.normalized))
}

fn kinds(lang: &Lang, has: impl Fn(&crate::lang::AskedFact) -> bool) -> u32 {
    lang.asked_facts
        .iter()
        .take(32)
        .enumerate()
        .filter(|(_, fact)| has(fact))
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    fn which(text: &str) -> bool {
        asks_which(&analyzer().analyze(text).unwrap())
    }

    #[test]
    fn a_question_asks_for_a_kind_of_fact_an_entry_may_not_state() {
        let analyzer = analyzer();
        let lang = analyzer.lang().clone();
        let analyzed = |text: &str| analyzer.analyze(text).unwrap();
        let bit = |kind: &str| {
            1 << lang
                .asked_facts
                .iter()
                .position(|f| f.kind == kind)
                .unwrap()
        };
        let (price, when) = (bit("price"), bit("when"));
        assert_eq!(
            asked_facts(&lang, &analyzed("グッズの値段を知りたい")),
            price
        );
        assert_eq!(
            asked_facts(&lang, &analyzed("返金はいつ頃になりますか")),
            when
        );
        assert_eq!(
            asked_facts(&lang, &analyzed("いつも使っているカードを変えたい")),
            0
        );
        assert_eq!(asked_facts(&lang, &analyzed("グッズはどこで買えますか")), 0);
        assert_eq!(
            stated_facts(&lang, &analyzed("一部500円で販売しています")) & price,
            price
        );
        assert_eq!(
            stated_facts(&lang, &analyzed("劇場ロビーで販売しています")) & price,
            0
        );
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

    fn question_of(text: &str) -> String {
        let analysis = analyzer().analyze(text).unwrap();
        text[question_start(&analysis)..].to_string()
    }

    #[test]
    fn the_question_of_a_long_message_is_its_last_sentence_with_two_words() {
        assert_eq!(question_of("クレカは大丈夫？"), "クレカは大丈夫？");
        assert_eq!(
            question_of("はがきが届きました。情報は漏れたのですか。"),
            "情報は漏れたのですか。"
        );
        assert_eq!(
            question_of("はがきが届きました。情報は漏れたのですか？教えてください。"),
            "情報は漏れたのですか？教えてください。"
        );
    }

    fn report(text: &str) -> bool {
        reported_problem(&analyzer().analyze(text).unwrap()).is_some()
    }

    #[test]
    fn problem_reports_are_negated_statements() {
        assert_eq!(
            reported_problem(&analyzer().analyze("電話がつながりません").unwrap()),
            Some("つながる".to_string())
        );
        assert!(report("はがきが届いていないのですが"));
        assert!(report("メールが届かない"));
        assert!(!report("クレジットカード情報は漏れていませんか"));
        assert!(!report("漏れてない？"));
        assert!(!report("はがきは届きますか"));
        assert!(!report("確認されていないんですよね"));
        assert!(!report("漏れたかもしれないってどういう意味"));
    }

    fn procedure_of(text: &str) -> Procedure {
        procedure(&analyzer().analyze(text).unwrap())
    }

    #[test]
    fn answers_say_what_can_or_cannot_be_done() {
        let abilities = |text: &str| stated_abilities(&analyzer().analyze(text).unwrap());
        assert_eq!(
            abilities("本人以外は引き出すことはできません。残高照会もできません。"),
            ["引出", "照会"]
        );
        assert_eq!(
            abilities("バックアップデータが残っており管理できております"),
            ["管理"]
        );
        assert!(abilities("できるだけのお知らせをしておりました").is_empty());
    }

    #[test]
    fn procedures_and_their_actions() {
        let action = |a: &str| Procedure::Action(a.to_string());
        assert_eq!(procedure_of("住所を変更したい"), action("変更"));
        assert_eq!(procedure_of("個人情報を削除してもらいたい"), action("削除"));
        assert_eq!(procedure_of("ポイントの貯め方"), action("貯める"));
        assert_eq!(procedure_of("チャージするには"), action("ちゃーじ"));
        assert_eq!(procedure_of("返金方法を教えて"), action("返金"));
        assert_eq!(procedure_of("電話番号を登録し直したい"), action("登録"));
        assert_eq!(procedure_of("消去をお願いしたい"), action("消去"));
        assert_eq!(procedure_of("続けたいけれど消せますか"), Procedure::None);
        assert_eq!(procedure_of("登録はどこからできますか"), action("登録"));
        assert_eq!(procedure_of("通知はどこで確認できますか"), Procedure::None);
        assert_eq!(procedure_of("方法を教えて"), Procedure::Unnamed);
        let whether = |a: &str| Procedure::Whether(a.to_string());
        assert_eq!(procedure_of("家族の情報も登録できますか"), whether("登録"));
        assert_eq!(procedure_of("出資金は管理できていますか"), Procedure::None);
        assert_eq!(procedure_of("経路は特定できましたか"), Procedure::None);
        assert_eq!(procedure_of("削除依頼はできますか"), whether("削除"));
        // The longer forms ask the same.
        assert_eq!(procedure_of("延長することはできますか"), whether("延長"));
        assert_eq!(
            procedure_of("複数の口座を登録することは可能ですか"),
            whether("登録")
        );
        // A plain verb before `ことはできますか` asks whether something can happen.
        assert_eq!(
            procedure_of("残高を他人が見ることはできますか"),
            Procedure::None
        );
        assert_eq!(procedure_of("ログイン方法を教えて"), action("ろぐいん"));
        assert_eq!(procedure_of("削除する方法はありますか"), action("削除"));
        assert_eq!(procedure_of("どんな方法で知らせるの"), Procedure::Unnamed);
        assert_eq!(procedure_of("別の口座にしたい"), Procedure::Unnamed);
        assert_eq!(
            procedure_of("はがきを再送してほしい"),
            Procedure::Request("再送".to_string())
        );
        assert_eq!(procedure_of("早く知らせてほしかった"), Procedure::None);
        assert_eq!(procedure_of("理由を説明してほしい"), Procedure::None);
        assert_eq!(
            procedure_of("ポイントはどうやって貯めるの"),
            Procedure::Unnamed
        );
        assert_eq!(
            procedure_of("どうやって侵入されたのですか"),
            Procedure::None
        );
        assert_eq!(procedure_of("どうやって調べたのですか"), Procedure::None);
        assert_eq!(
            procedure_of("登録している個人情報を、削除してもらいたいのですが？"),
            action("削除")
        );
        assert_eq!(procedure_of("電話で相談したい"), Procedure::None);
        assert_eq!(procedure_of("情報は漏れたの"), Procedure::None);
        assert_eq!(procedure_of("どう気をつければいいですか"), action("つける"));
        assert_eq!(procedure_of("登録の仕方を教えて"), action("登録"));
        assert_eq!(procedure_of("不安で仕方ありません"), Procedure::None);
        assert_eq!(procedure_of("どう対応したらいいですか"), action("対応"));
        assert_eq!(
            procedure_of("メールが来たらどうすればいいですか"),
            Procedure::Unnamed
        );
    }
}
