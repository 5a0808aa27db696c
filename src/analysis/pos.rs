//! IPADIC parts of speech, parsed once per morpheme into types, so no later stage
//! compares raw tag strings. IPADIC tags a morpheme with a class (`名詞`) and up to
//! three subcategories (`固有名詞,人名,姓`); kotae reads the class and the
//! subcategories named in [`Detail`].

use serde::{Serialize, Serializer};

/// The part-of-speech class (IPADIC's first tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Class {
    /// 名詞
    Noun,
    /// 動詞
    Verb,
    /// 形容詞
    Adjective,
    /// 副詞
    Adverb,
    /// 連体詞 (`この`, `どの`)
    Adnominal,
    /// 感動詞
    Interjection,
    /// 助詞
    Particle,
    /// 助動詞
    Auxiliary,
    /// 接続詞
    Conjunction,
    /// 記号
    Symbol,
    /// Any other tag (接頭詞, フィラー, その他).
    Other,
    /// No tag: a word the dictionary does not know.
    #[default]
    Unknown,
}

/// A subcategory kotae reads (IPADIC's second to fourth tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// 一般
    General,
    /// 固有名詞
    ProperNoun,
    /// 代名詞
    Pronoun,
    /// 数
    Number,
    /// 接尾 (a suffix: `料` of `通話料`)
    Suffix,
    /// 非自立 (a dependent word: `こと`, `いる` of `している`)
    Dependent,
    /// 数接続 (before a number)
    NumberPrefix,
    /// サ変接続 (a noun that takes する: `削除`)
    SuruNoun,
    /// 接続助詞 (a conjunctive particle: `と` of `漏れると`)
    Conjunctive,
    /// 形容動詞語幹 (a na-adjective stem: `大丈夫`)
    AdjectivalNoun,
    /// 副詞可能 (a noun that can be an adverb: `今日`)
    AdverbialNoun,
    /// 人名
    PersonName,
    /// 地域
    Region,
    /// A subcategory kotae does not read.
    Other,
    /// No subcategory at this level.
    #[default]
    None,
}

/// A morpheme's part of speech: its class, its subcategories and the tags as
/// IPADIC wrote them (for `kotae tokenize` and `explain`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pos {
    /// The class.
    pub class: Class,
    details: [Detail; 3],
    tags: Vec<String>,
}

impl Pos {
    /// Parses IPADIC's tags (`*` and empty tags already removed).
    pub fn parse(tags: Vec<String>) -> Pos {
        let class = match tags.first().map(String::as_str) {
            None => Class::Unknown,
            Some("名詞") => Class::Noun,
            Some("動詞") => Class::Verb,
            Some("形容詞") => Class::Adjective,
            Some("副詞") => Class::Adverb,
            Some("連体詞") => Class::Adnominal,
            Some("感動詞") => Class::Interjection,
            Some("助詞") => Class::Particle,
            Some("助動詞") => Class::Auxiliary,
            Some("接続詞") => Class::Conjunction,
            Some("記号") => Class::Symbol,
            Some(_) => Class::Other,
        };
        let mut details = [Detail::None; 3];
        for (detail, tag) in details.iter_mut().zip(tags.iter().skip(1)) {
            *detail = match tag.as_str() {
                "一般" => Detail::General,
                "固有名詞" => Detail::ProperNoun,
                "代名詞" => Detail::Pronoun,
                "数" => Detail::Number,
                "接尾" => Detail::Suffix,
                "非自立" => Detail::Dependent,
                "数接続" => Detail::NumberPrefix,
                "サ変接続" => Detail::SuruNoun,
                "接続助詞" => Detail::Conjunctive,
                "形容動詞語幹" => Detail::AdjectivalNoun,
                "副詞可能" => Detail::AdverbialNoun,
                "人名" => Detail::PersonName,
                "地域" => Detail::Region,
                _ => Detail::Other,
            };
        }
        Pos {
            class,
            details,
            tags,
        }
    }

    /// The first subcategory (`固有名詞` of `名詞,固有名詞,人名`).
    pub fn sub(&self) -> Detail {
        self.details[0]
    }

    /// The second subcategory (`人名` of `名詞,固有名詞,人名`).
    pub fn sub2(&self) -> Detail {
        self.details[1]
    }

    /// A noun of this first subcategory.
    pub fn is_noun_of(&self, detail: Detail) -> bool {
        self.class == Class::Noun && self.sub() == detail
    }

    /// An action: a verb or a noun that takes する (`削除`).
    pub fn is_action(&self) -> bool {
        self.class == Class::Verb || self.is_noun_of(Detail::SuruNoun)
    }

    /// The tags as IPADIC wrote them.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
}

impl Serialize for Pos {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.tags.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(tags: &[&str]) -> Pos {
        Pos::parse(tags.iter().map(|t| t.to_string()).collect())
    }

    #[test]
    fn tags_become_a_class_and_subcategories() {
        let name = pos(&["名詞", "固有名詞", "人名", "姓"]);
        assert_eq!(name.class, Class::Noun);
        assert_eq!(name.sub(), Detail::ProperNoun);
        assert_eq!(name.sub2(), Detail::PersonName);
        assert!(pos(&["名詞", "サ変接続"]).is_action());
        assert!(pos(&["動詞", "自立"]).is_action());
        assert_eq!(pos(&[]).class, Class::Unknown);
        assert_eq!(pos(&["接頭詞", "名詞接続"]).class, Class::Other);
        assert_eq!(pos(&["接頭詞", "名詞接続"]).sub(), Detail::Other);
    }
}
