//! The calibrated confidence: how likely the reply's first entry is the one the
//! question asks about, so that a confidence of 0.8 is right about 80 % of the time
//! on a FAQ kotae was never tuned on.
//!
//! The rules decide; this stage says how sure kotae is, and one rule reads it
//! (`confident`, when the words are thin and the model agrees). It is a logistic
//! model over generic signals, the same whatever the FAQ (coverage, margin, shared
//! concepts, intent facts, the words' strength, and the semantic model's closeness
//! and lead when it was asked). Its weights are data, `lang/ja/calibration.toml`,
//! fitted by `scripts/fit-calibration.py` across the development collections and
//! checked leave-one-collection-out. Two models: `words`, for replies the semantic
//! model did not see (answers, or no model installed), and `semantic`, for the
//! choices the model ordered.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::evidence::Signals;
use crate::error::{Error, Result};

/// The fitted weights, compiled in.
const CALIBRATION_TOML: &str = include_str!("../../lang/ja/calibration.toml");

/// The features every model reads, by name.
const WORD_FEATURES: &[&str] = &[
    "coverage",
    "margin",
    "shared",
    "complete",
    "off_intent",
    "predicate_missing",
    "runner_up_coverage",
    "concepts",
    "unknown_share",
    "rivals",
    "strength",
    "answered",
];

/// The features the `semantic` model reads besides the words'.
const SEMANTIC_FEATURES: &[&str] = &["semantic_first", "semantic_lead", "semantic_agrees"];

/// One logistic model: a bias and a weight per feature.
#[derive(Debug, Clone, PartialEq)]
struct Logistic {
    bias: f32,
    weights: Vec<(&'static str, f32)>,
}

impl Logistic {
    /// The model of `section`, which must weigh exactly `names`.
    fn parse(
        section: &str,
        mut table: BTreeMap<String, f32>,
        names: &[&'static str],
    ) -> Result<Self> {
        let problem =
            |what: String| Error::Config(format!("lang/ja/calibration.toml [{section}]: {what}"));
        let bias = table
            .remove("bias")
            .ok_or_else(|| problem("no bias".into()))?;
        let weights = names
            .iter()
            .map(|name| {
                let weight = table
                    .remove(*name)
                    .ok_or_else(|| problem(format!("no weight for {name}")))?;
                Ok((*name, weight))
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(unknown) = table.keys().next() {
            return Err(problem(format!("unknown feature {unknown}")));
        }
        Ok(Logistic { bias, weights })
    }

    /// σ(bias + Σ weight × feature).
    fn probability(&self, features: &BTreeMap<&'static str, f32>) -> f32 {
        let z: f32 = self.bias
            + self
                .weights
                .iter()
                .map(|(name, weight)| weight * features.get(name).copied().unwrap_or(0.0))
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// The two fitted models.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    words: Logistic,
    semantic: Logistic,
}

/// The file's shape: one table of weights per model.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalibrationFile {
    words: BTreeMap<String, f32>,
    semantic: BTreeMap<String, f32>,
}

impl Calibration {
    /// The compiled-in weights.
    pub fn standard() -> Result<Calibration> {
        Self::parse(CALIBRATION_TOML)
    }

    /// Weights from a TOML text; every feature of each model must be weighed.
    pub fn parse(text: &str) -> Result<Calibration> {
        let file: CalibrationFile = toml::from_str(text)
            .map_err(|e| Error::Config(format!("lang/ja/calibration.toml: {e}")))?;
        let semantic_names: Vec<&'static str> = WORD_FEATURES
            .iter()
            .chain(SEMANTIC_FEATURES)
            .copied()
            .collect();
        Ok(Calibration {
            words: Logistic::parse("words", file.words, WORD_FEATURES)?,
            semantic: Logistic::parse("semantic", file.semantic, &semantic_names)?,
        })
    }

    /// The probability that the reply's first entry is the right one.
    pub fn confidence(&self, signals: &Signals, answered: bool) -> f32 {
        let model = if signals.semantic.is_some() {
            &self.semantic
        } else {
            &self.words
        };
        model
            .probability(&features(signals, answered))
            .clamp(0.0, 1.0)
    }
}

/// The features of a reply, by name, as the models read them (and as `kotae eval
/// --json` shows them for the fitting script).
pub fn features(signals: &Signals, answered: bool) -> BTreeMap<&'static str, f32> {
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let mut features = BTreeMap::from([
        ("coverage", signals.coverage.max(0.0)),
        ("margin", signals.margin),
        ("shared", signals.shared.clamp(0.0, 4.0) / 4.0),
        ("complete", flag(signals.complete)),
        ("off_intent", flag(signals.off_intent)),
        ("predicate_missing", flag(signals.predicate_missing)),
        ("runner_up_coverage", signals.runner_up_coverage),
        ("concepts", signals.concepts.min(8) as f32 / 8.0),
        ("unknown_share", signals.unknown_share),
        ("rivals", signals.rivals.min(3) as f32 / 3.0),
        ("strength", signals.strength),
        ("answered", flag(answered)),
    ]);
    if let Some(semantic) = signals.semantic {
        features.insert("semantic_first", semantic.first);
        features.insert("semantic_lead", semantic.lead);
        features.insert("semantic_agrees", flag(semantic.agrees));
    }
    features
}

#[cfg(test)]
mod tests {
    use super::super::evidence::SemanticSignals;
    use super::*;

    fn signals(coverage: f32, margin: f32, strength: f32) -> Signals {
        Signals {
            coverage,
            margin,
            shared: 3.0,
            complete: true,
            concepts: 3,
            strength,
            ..Signals::default()
        }
    }

    #[test]
    fn the_shipped_weights_parse_and_weigh_every_feature() {
        let calibration = Calibration::standard().unwrap();
        assert_eq!(calibration.words.weights.len(), WORD_FEATURES.len());
        assert_eq!(
            calibration.semantic.weights.len(),
            WORD_FEATURES.len() + SEMANTIC_FEATURES.len()
        );
    }

    #[test]
    fn stronger_evidence_is_more_confident_and_every_confidence_is_a_probability() {
        let calibration = Calibration::standard().unwrap();
        let weak = calibration.confidence(&signals(0.3, 0.05, 0.02), false);
        let strong = calibration.confidence(&signals(1.0, 0.6, 1.0), true);
        assert!(weak < strong, "{weak} < {strong}");
        for p in [weak, strong] {
            assert!((0.0..=1.0).contains(&p));
        }
    }

    #[test]
    fn a_closer_and_clearer_first_choice_is_more_confident() {
        let calibration = Calibration::standard().unwrap();
        let with = |first, lead| Signals {
            semantic: Some(SemanticSignals {
                first,
                lead,
                agrees: true,
            }),
            ..signals(0.6, 0.2, 0.2)
        };
        let vague = calibration.confidence(&with(0.82, 0.0), false);
        let closer = calibration.confidence(&with(0.88, 0.0), false);
        let clearer = calibration.confidence(&with(0.88, 0.03), false);
        assert!(
            vague < closer && closer < clearer,
            "{vague} < {closer} < {clearer}"
        );
    }

    #[test]
    fn a_missing_or_unknown_weight_is_refused_with_its_name() {
        let words: String = WORD_FEATURES
            .iter()
            .map(|n| format!("{n} = 0.1\n"))
            .collect();
        let semantic: String = SEMANTIC_FEATURES
            .iter()
            .map(|n| format!("{n} = 0.1\n"))
            .collect();
        let whole = format!("[words]\nbias = 0\n{words}[semantic]\nbias = 0\n{words}{semantic}");
        assert!(Calibration::parse(&whole).is_ok());
        let missing = whole.replacen("strength = 0.1\n", "", 1);
        let err = Calibration::parse(&missing).unwrap_err().to_string();
        assert!(err.contains("[words]") && err.contains("strength"), "{err}");
        let unknown = format!("{whole}colour = 1\n");
        let err = Calibration::parse(&unknown).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }
}
