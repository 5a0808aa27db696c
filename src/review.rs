//! `kotae review`: what members asked that kotae could not answer with confidence,
//! grouped by similarity, so an FAQ editor can add an alternate, a synonym or an
//! entry where it is most needed.
//!
//! Questions are grouped greedily by the overlap of their content words (Jaccard
//! similarity of analyzed terms ≥ [`SIMILAR`]); each group shows how often it was
//! asked, examples, the candidates kotae offered and the 👍/👎 those entries got.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::analysis::{Analyzer, FieldKind};
use crate::error::Result;
use crate::store::{StoredFeedback, StoredUnanswered};

/// Least Jaccard similarity of content words for two questions to share a group.
pub const SIMILAR: f32 = 0.5;

/// One group of similar unanswered questions.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// How many times questions of this group were asked.
    pub count: usize,
    /// Up to three distinct questions of the group (redacted).
    pub examples: Vec<String>,
    /// Decisions taken (`clarify`, `fallback`) and how often.
    pub decisions: BTreeMap<String, usize>,
    /// Entries offered as candidates, most often first, with counts.
    pub candidates: Vec<(String, usize)>,
    /// 👍/👎 received by those entries (all questions), as `(helpful, not helpful)`.
    pub feedback: BTreeMap<String, (usize, usize)>,
}

/// Groups unanswered questions, most frequent first.
pub fn groups(
    analyzer: &Analyzer,
    unanswered: &[StoredUnanswered],
    feedback: &[StoredFeedback],
) -> Result<Vec<Group>> {
    let mut clusters: Vec<(HashSet<String>, Vec<&StoredUnanswered>)> = Vec::new();
    for row in unanswered {
        let terms: HashSet<String> = analyzer
            .terms(&row.question, FieldKind::Terms)?
            .into_iter()
            .map(|t| t.text)
            .collect();
        let home = clusters
            .iter_mut()
            .find(|(seed, _)| jaccard(seed, &terms) >= SIMILAR);
        match home {
            Some((_, members)) => members.push(row),
            None => clusters.push((terms, vec![row])),
        }
    }
    let mut groups: Vec<Group> = clusters
        .into_iter()
        .map(|(_, members)| summarize(&members, feedback))
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    Ok(groups)
}

fn summarize(members: &[&StoredUnanswered], feedback: &[StoredFeedback]) -> Group {
    let mut examples: Vec<String> = Vec::new();
    let mut decisions = BTreeMap::new();
    let mut offered: BTreeMap<String, usize> = BTreeMap::new();
    for row in members {
        let shown = printable(&row.question);
        if examples.len() < 3 && !examples.contains(&shown) {
            examples.push(shown);
        }
        *decisions.entry(row.decision.clone()).or_default() += 1;
        for id in &row.candidates {
            *offered.entry(id.clone()).or_default() += 1;
        }
    }
    let mut candidates: Vec<(String, usize)> = offered.into_iter().collect();
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    candidates.truncate(3);
    let mut votes = BTreeMap::new();
    for (id, _) in &candidates {
        let (up, down) =
            feedback
                .iter()
                .filter(|f| &f.entry_id == id)
                .fold((0, 0), |(up, down), f| {
                    if f.helpful {
                        (up + 1, down)
                    } else {
                        (up, down + 1)
                    }
                });
        votes.insert(id.clone(), (up, down));
    }
    Group {
        count: members.len(),
        examples,
        decisions,
        candidates,
        feedback: votes,
    }
}

/// `text` safe to print on an editor's terminal: control characters (ESC, BEL…)
/// and bidirectional overrides (RLO…) become visible `\u{…}` escapes, so a
/// member's text can neither drive the terminal nor disguise itself.
pub fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || crate::redact::is_bidi_control(c) {
            shown.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    shown
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    shared as f32 / (a.len() + b.len() - shared) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::analyzer;

    fn row(question: &str, candidates: &[&str]) -> StoredUnanswered {
        StoredUnanswered {
            at: "2023-01-20 10:00:00".into(),
            question: question.into(),
            decision: "clarify".into(),
            confidence: 0.3,
            candidates: candidates.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn similar_questions_group_together_with_their_candidates_and_votes() {
        let rows = [
            row("出資金を返金してほしい", &["investment-points"]),
            row(
                "出資金の返金をお願いしたい",
                &["investment-points", "bank-account"],
            ),
            row("配達曜日を変えたい", &[]),
        ];
        let votes = [StoredFeedback {
            at: String::new(),
            entry_id: "investment-points".into(),
            helpful: false,
            question: None,
        }];
        let groups = groups(&analyzer(), &rows, &votes).unwrap();
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 2);
        assert_eq!(
            groups[0].candidates[0],
            ("investment-points".to_string(), 2)
        );
        assert_eq!(groups[0].feedback["investment-points"], (0, 1));
        assert_eq!(groups[1].examples, ["配達曜日を変えたい"]);
    }

    #[test]
    fn control_and_bidi_characters_are_shown_not_obeyed() {
        assert_eq!(printable("a\u{1b}]0;x\u{7}b"), "a\\u{001b}]0;x\\u{0007}b");
        assert_eq!(printable("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(printable("普通の質問"), "普通の質問");
    }

    #[test]
    fn jaccard_is_the_share_of_words_in_common() {
        let set = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<HashSet<_>>();
        assert!((jaccard(&set(&["a", "b"]), &set(&["a", "b"])) - 1.0).abs() < 1e-6);
        assert!((jaccard(&set(&["a", "b"]), &set(&["a", "c"])) - 1.0 / 3.0).abs() < 1e-6);
        assert_eq!(jaccard(&set(&["a"]), &set(&["b"])), 0.0);
    }
}
