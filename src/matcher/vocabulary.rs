//! The evidence one FAQ entry's own words give for a question's concepts: coverage
//! credits, centrality and phrasing similarity. Built once per entry from its
//! phrasings (official question and alternates) and its answer.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::concepts::Concept;
use super::intent::{
    Procedure, asks_which, procedure, reported_problem, stated_abilities, stated_facts,
};
use crate::analysis::Analyzer;
use crate::error::Result;

/// Credit an entry gets for containing a concept.
pub const CREDIT_PHRASING: f32 = 1.0;
/// Credit for a concept found only in the answer text: answers mention many
/// incidental words, so they are weaker evidence of what the entry is about.
pub const CREDIT_ANSWER: f32 = 0.5;
/// Credit for a concept found only through the head of its compound, in a phrasing.
pub const CREDIT_HEAD: f32 = 0.5;
/// Credit for an unknown word whose reading is one typo away from the entry's.
pub const CREDIT_TYPO: f32 = 0.8;

/// The words of one entry, for coverage.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// What its phrasings report does not work (`届く` of `はがきが届いていない`).
    pub reported: HashSet<String>,
    /// The actions its procedure phrasings name (`削除`).
    pub actions: HashSet<String>,
    /// The actions its answer says can or cannot be done (`引き出す`, `照会`).
    pub abilities: HashSet<String>,
    /// Whether one of its procedure phrasings names no action (`どんな方法で`).
    pub unnamed_procedure: bool,
    /// The kinds of fact its texts state (`intent::stated_facts`): a price, a time…
    pub stated_facts: u32,
    /// Share of the entry's phrasings that ask which things (`どんな情報`), in [0, 1].
    pub which_share: f32,
    /// Term → number of the entry's phrasings that use it.
    phrasing_terms: HashMap<String, u32>,
    /// Reading → number of the entry's phrasings that use it.
    phrasing_readings: HashMap<String, u32>,
    phrasings: u32,
    /// Each phrasing's words, for [`Vocabulary::similarity`].
    phrasing_words: Vec<Vec<PhrasingWord>>,
    /// Terms of the official question (the first phrasing).
    official_terms: HashSet<String>,
    answer_terms: HashSet<String>,
    answer_readings: HashSet<String>,
}

/// A content word of one phrasing, with its weight in [`Vocabulary::similarity`].
#[derive(Debug)]
struct PhrasingWord {
    term: String,
    reading: String,
    weight: f32,
}

impl Vocabulary {
    /// Collects the terms and readings of an entry's phrasings (the official
    /// question first) and answer.
    pub fn of(analyzer: &Analyzer, phrasings: &[&str], answer: &str) -> Result<Vocabulary> {
        let mut vocabulary = Vocabulary::default();
        for text in phrasings {
            let analysis = analyzer.analyze(text)?;
            vocabulary.stated_facts |= stated_facts(analyzer.lang(), &analysis);
            vocabulary.reported.extend(reported_problem(&analysis));
            match procedure(&analysis) {
                Procedure::None => {}
                Procedure::Unnamed => vocabulary.unnamed_procedure = true,
                Procedure::Action(action)
                | Procedure::Request(action)
                | Procedure::Whether(action) => {
                    vocabulary.actions.insert(action);
                }
            }
            if asks_which(&analysis) {
                vocabulary.which_share += 1.0;
            }
            vocabulary.phrasings += 1;
            let mut words: Vec<PhrasingWord> = Vec::new();
            for (term, reading) in analysis.terms.iter().zip(&analysis.readings) {
                if !words.iter().any(|w| w.term == term.text) {
                    words.push(PhrasingWord {
                        term: term.text.clone(),
                        reading: reading.text.clone(),
                        weight: 1.0,
                    });
                }
            }
            if vocabulary.phrasing_words.is_empty() {
                vocabulary.official_terms = words.iter().map(|w| w.term.clone()).collect();
            }
            vocabulary.phrasing_words.push(words);
            let terms: HashSet<String> = analysis.terms.into_iter().map(|t| t.text).collect();
            for term in terms {
                *vocabulary.phrasing_terms.entry(term).or_default() += 1;
            }
            let readings: HashSet<String> = analysis.readings.into_iter().map(|t| t.text).collect();
            for reading in readings {
                *vocabulary.phrasing_readings.entry(reading).or_default() += 1;
            }
        }
        vocabulary.which_share /= vocabulary.phrasings.max(1) as f32;
        let analysis = analyzer.analyze(answer)?;
        vocabulary.stated_facts |= stated_facts(analyzer.lang(), &analysis);
        vocabulary.abilities.extend(stated_abilities(&analysis));
        vocabulary
            .answer_terms
            .extend(analysis.terms.into_iter().map(|t| t.text));
        vocabulary
            .answer_readings
            .extend(analysis.readings.into_iter().map(|t| t.text));
        Ok(vocabulary)
    }

    /// Sets the weight of every phrasing word (the same rarity weight the
    /// question's concepts get), once the index's term statistics are known.
    pub fn weigh(&mut self, weight: impl Fn(&str) -> f32) {
        for words in &mut self.phrasing_words {
            for word in words {
                word.weight = weight(&word.term);
            }
        }
    }

    /// How closely the question matches the entry's closest phrasing, in [0, 1]:
    /// the harmonic mean of the weighted share of the question's concepts the
    /// phrasing contains and the weighted share of the phrasing's words the question
    /// contains. Coverage only looks one way, so every entry mentioning 情報 and 漏えい
    /// covers `情報は漏れた？` completely; the phrasing that says little *else* (`情報が
    /// 漏れた事実はあるのですか`) is the one the question is asking.
    pub fn similarity(&self, concepts: &[Concept], use_readings: bool) -> f32 {
        let question_total: f32 = concepts.iter().map(|c| c.weight).sum();
        if question_total <= 0.0 {
            return 0.0;
        }
        let mut best = 0.0f32;
        for words in &self.phrasing_words {
            let phrasing_total: f32 = words.iter().map(|w| w.weight).sum();
            if phrasing_total <= 0.0 {
                continue;
            }
            // Bit i: the phrasing's word i is one of the question's concepts.
            let mut covered = 0u64;
            let mut matched = 0.0;
            let position = |term: &str| words.iter().take(64).position(|w| w.term == term);
            for concept in concepts.iter().filter(|c| c.weight > 0.0) {
                let mut hit = false;
                for alternative in &concept.alternatives {
                    let mut bits = 0u64;
                    let all = alternative.iter().all(|t| match position(t) {
                        Some(i) => {
                            bits |= 1 << i;
                            true
                        }
                        None => false,
                    });
                    if all {
                        hit = true;
                        covered |= bits;
                    }
                }
                if use_readings && !concept.reading.is_empty() {
                    for (i, word) in words.iter().take(64).enumerate() {
                        if word.reading == concept.reading {
                            hit = true;
                            covered |= 1 << i;
                        }
                    }
                }
                if hit {
                    matched += concept.weight;
                }
            }
            let question_share = (matched / question_total).min(1.0);
            let phrasing_share = words
                .iter()
                .take(64)
                .enumerate()
                .filter(|(i, _)| covered & (1 << i) != 0)
                .map(|(_, w)| w.weight)
                .sum::<f32>()
                / phrasing_total;
            if question_share + phrasing_share > 0.0 {
                best = best
                    .max(2.0 * question_share * phrasing_share / (question_share + phrasing_share));
            }
        }
        best
    }

    /// Whether the entry answers how to do what a question asks to do: one of its
    /// phrasings asks the same action (`action`, or a synonym of it; a phrase
    /// synonym such as `気をつける` by its verb, its other words used by the
    /// entry), or one asks how without naming an action (`どうやって出せばいい`)
    /// and the entry's words include the action (`credited`); for a question that
    /// names no action, one of its phrasings names none either. A question asking
    /// `whether` the action can be done is also answered by an answer that says so.
    pub fn answers_procedure(
        &self,
        action: Option<&Concept>,
        credited: bool,
        whether: bool,
    ) -> bool {
        match action {
            Some(concept) if whether && concept.words().any(|w| self.abilities.contains(w)) => true,
            Some(concept) => {
                concept
                    .alternatives
                    .iter()
                    .any(|alt| match alt.split_last() {
                        Some((verb, rest)) => {
                            self.actions.contains(verb)
                                && rest.iter().all(|t| self.phrasing_terms.contains_key(t))
                        }
                        None => false,
                    })
                    || (self.unnamed_procedure && credited)
            }
            None => self.unnamed_procedure,
        }
    }

    /// How many phrasings the entry has: its official question and alternates.
    pub fn phrasings(&self) -> u32 {
        self.phrasings
    }

    /// Whether the entry's words say nothing about which procedures it answers:
    /// a lone official question that asks none (`公金受取口座とは何ですか`) leaves
    /// open what its answer goes on to explain, how to register included. An
    /// entry whose question asks one (`定期購入を変更したい`), or that has
    /// alternates, says what it is for.
    pub fn silent_on_procedures(&self) -> bool {
        self.phrasings < 2 && self.actions.is_empty() && !self.unnamed_procedure
    }

    /// Whether one of the entry's phrasings reports that `concept` (an action)
    /// does not work, or a synonym of it.
    pub fn reports(&self, concept: &Concept) -> bool {
        concept.words().any(|w| self.reported.contains(w))
    }

    /// Whether the entry's official question itself names `concept`.
    pub fn in_official_question(&self, concept: &Concept) -> bool {
        concept
            .alternatives
            .iter()
            .any(|alt| alt.iter().all(|t| self.official_terms.contains(t)))
    }

    /// Share of the entry's phrasings that use `concept`, in [0, 1]: how central
    /// the concept is to what this entry is about.
    pub fn centrality(&self, concept: &Concept, use_readings: bool) -> f32 {
        let by_terms = concept
            .alternatives
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|t| self.phrasing_terms.get(t).copied().unwrap_or(0))
                    .min()
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        let by_reading = if use_readings {
            self.phrasing_readings
                .get(&concept.reading)
                .copied()
                .unwrap_or(0)
        } else {
            0
        };
        by_terms.max(by_reading) as f32 / self.phrasings.max(1) as f32
    }

    /// How much evidence this entry gives for `concept` (0 when none).
    pub fn credit(&self, concept: &Concept, use_readings: bool) -> f32 {
        let reading = use_readings && !concept.reading.is_empty();
        let in_phrasings = concept
            .alternatives
            .iter()
            .any(|alt| alt.iter().all(|t| self.phrasing_terms.contains_key(t)))
            || (reading && self.phrasing_readings.contains_key(&concept.reading));
        let in_answer = concept
            .alternatives
            .iter()
            .any(|alt| alt.iter().all(|t| self.answer_terms.contains(t)))
            || (reading && self.answer_readings.contains(&concept.reading));
        let head_in = |terms: &HashSet<String>| {
            concept
                .heads
                .iter()
                .any(|alt| alt.iter().all(|t| terms.contains(t)))
        };
        if in_phrasings {
            CREDIT_PHRASING
        } else if in_answer {
            CREDIT_ANSWER
        } else if concept
            .heads
            .iter()
            .any(|alt| alt.iter().all(|t| self.phrasing_terms.contains_key(t)))
        {
            CREDIT_HEAD
        } else if head_in(&self.answer_terms) {
            CREDIT_HEAD * CREDIT_ANSWER
        } else if !concept.known
            && reading
            && concept.reading.chars().count() >= 5
            && self
                .phrasing_readings
                .keys()
                .any(|r| within_one_edit(r, &concept.reading))
        {
            CREDIT_TYPO
        } else {
            0.0
        }
    }
}

/// True when `a` and `b` differ by at most one insertion, deletion or substitution.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    if a_len.abs_diff(b_len) > 1 {
        return false;
    }
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take(a_len.min(b_len) - prefix)
        .take_while(|(x, y)| x == y)
        .count();
    a_len.max(b_len) - prefix - suffix <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_question_asking_no_procedure_is_silent_on_procedures() {
        let analyzer = crate::test_support::analyzer();
        let of = |phrasings: &[&str]| Vocabulary::of(&analyzer, phrasings, "回答です。").unwrap();
        assert!(of(&["公金受取口座とは何ですか"]).silent_on_procedures());
        assert!(!of(&["定期購入の内容を変更したい"]).silent_on_procedures());
        assert!(!of(&["公金受取口座とは何ですか", "口座の制度を知りたい"]).silent_on_procedures());
    }

    #[test]
    fn one_edit_apart() {
        assert!(within_one_edit("くれじつとかど", "くれじつどかど"));
        assert!(within_one_edit("くれじつとかど", "くれじとかど"));
        assert!(within_one_edit("abc", "abc"));
        assert!(!within_one_edit("くれじつとかど", "くれじどかと"));
        assert!(!within_one_edit("abc", "a"));
    }
}
