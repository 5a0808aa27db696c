//! From analyzed text to *concepts*: the question's content words, each merged
//! with its synonym group and expanded through the FAQ's compounds. (What an
//! entry's words give as evidence for them is in `vocabulary.rs`.)
//!
//! Three decisions live here:
//! - Synonyms expand at query time through the same analyzer as everything else: a
//!   group member is matched as a sequence of analyzed terms, longest first, and
//!   the concept then accepts any member of the group.
//! - All-hiragana questions are *respelled*: lindera splits `しゅっしきんはだいじょうぶ`
//!   into junk, so the FAQ's own readings (`しゅっしきん` → 出資金) are looked up in the
//!   kana by the cheapest segmentation, and the words found become the concepts.
//!   A hiragana run inside mixed text that lindera splits into debris
//!   (`データさくじょできる`) is respelled the same way.
//! - Compounds: a word that is part of an FAQ compound also matches the compound
//!   (`共済` → `コープ共済`); a compound the FAQ never uses keeps its known head as
//!   weaker evidence (`引落日` → `引落`).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Serialize;

use super::general_synonyms::GeneralSynonyms;
use super::loanwords::Loanwords;
use super::shared_compounds::{CompoundCount, SharedCompounds};
use crate::analysis::pos::Class;
use crate::analysis::{self, Analysis, Analyzer, FieldKind};
use crate::error::Result;
use crate::faq::Faq;
use crate::synonym_dictionary::SynonymDictionary;

/// One concept of the question: a content word and its synonyms.
#[derive(Debug, Clone, Serialize)]
pub struct Concept {
    /// The word as analyzed (base form, folded).
    pub text: String,
    /// Its hiragana reading.
    pub reading: String,
    /// Term sequences that count as this concept (the word and its synonyms).
    pub alternatives: Vec<Vec<String>>,
    /// For a compound the FAQ never uses, its known head and the head's synonyms:
    /// partial evidence (`引落` for `引落日`: the same area, not the same thing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub heads: Vec<Vec<String>>,
    /// Weight in coverage (inverse document frequency; zero for question words).
    pub weight: f32,
    /// Whether any FAQ phrasing uses it.
    pub known: bool,
    /// An interrogative (`いつ`, `なぜ`): light in coverage, never topical evidence.
    pub interrogative: bool,
    /// Said only in the sentences before the question of a long message (`はがきが
    /// 届いて驚きました。…漏れたのですか`): the setting, weighed less than the ask.
    pub context: bool,
}

impl Concept {
    /// The single words that count as this concept (itself and one-word synonyms).
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.alternatives
            .iter()
            .filter_map(|alt| match alt.as_slice() {
                [word] => Some(word.as_str()),
                _ => None,
            })
    }

    /// Whether `term` spells this concept: it is the concept, a one-word synonym,
    /// or the concept's reading (`けす`, respelled 消す).
    pub fn spells(&self, term: &str) -> bool {
        self.text == term || self.reading == term || self.words().any(|w| w == term)
    }
}

/// A synonym group member, analyzed.
struct Member {
    terms: Vec<String>,
    group: usize,
}

/// Builds concepts from analyzed questions: synonym groups and kana respelling.
pub struct ConceptBuilder {
    /// Synonym members by their first term, longest first within each list.
    members: HashMap<String, Vec<Member>>,
    groups: Vec<Vec<Vec<String>>>,
    /// Hiragana reading → (term, reading of the base form), from the FAQ's words.
    lexicon: HashMap<String, (String, String)>,
    /// Readings of geminate surfaces (`入っ` → `はいつ` once small kana are folded):
    /// words only before `て` or `た`, or they would swallow `は` + `いつ`.
    geminates: HashMap<String, (String, String)>,
    /// Every content term of the FAQ, to tell real words from segmentation debris.
    known_terms: HashSet<String>,
    /// The kanji the FAQ's words start with.
    first_kanji: HashSet<char>,
    /// Head or tail of an FAQ compound → the compounds (`共済` → `コープ共済`).
    compounds: HashMap<String, Vec<String>>,
    longest_reading: usize,
    /// The language data: kana endings and particles for respelling.
    lang: std::sync::Arc<crate::lang::Lang>,
    /// Length of the longest kana ending.
    longest_ending: usize,
    /// The FAQ's Latin and kana words by sound, for loanwords across scripts.
    loanwords: Loanwords,
    /// Every content term of the FAQ's phrasings (questions and alternates).
    phrasing_terms: HashSet<String>,
    /// Sudachi's synonyms of words no phrasing uses (empty without the dictionary).
    general: GeneralSynonyms,
    /// Nouns written together in more than one entry: one concept each.
    shared_compounds: SharedCompounds,
}

/// Heads and tails of the FAQ's compound nouns (at least two characters each),
/// so a member's `共済` or `口座` counts as the FAQ's `コープ共済` or `引落口座`.
/// A part is a head or tail of at least two characters with a kanji in it, or of
/// at least three (a katakana word, folded to hiragana).
fn compound_parts(nouns: &HashSet<String>) -> HashMap<String, Vec<String>> {
    let mut parts: HashMap<String, Vec<String>> = HashMap::default();
    let mut sorted: Vec<&String> = nouns.iter().collect();
    sorted.sort();
    for noun in sorted {
        let chars: Vec<char> = noun.chars().collect();
        // A head may leave a one-character tail (`全面` of `全面的`); a tail is at
        // least two characters long.
        for split in 2..chars.len() {
            let head = &chars[..split];
            let tail = &chars[split..];
            let tails = (tail.len() >= 2).then_some(tail);
            for part in std::iter::once(head).chain(tails) {
                if part.len() >= 3 || part.iter().any(|c| analysis::fold::is_kanji(*c)) {
                    let part: String = part.iter().collect();
                    parts.entry(part).or_default().push(noun.clone());
                }
            }
        }
    }
    parts
}

/// A concept before it is weighed against the index.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Analyzed text.
    pub text: String,
    /// Hiragana reading.
    pub reading: String,
    /// Accepted term sequences.
    pub alternatives: Vec<Vec<String>>,
    /// See [`Concept::heads`].
    pub heads: Vec<Vec<String>>,
    /// Byte offset of its last occurrence in the text (none when respelled).
    pub last_start: Option<usize>,
}

/// The question's `(term, reading)` pairs and where each starts in the text
/// (`None` for a word respelled from all-kana text).
type Placed = (Vec<(String, String)>, Vec<Option<usize>>);

/// The most morphemes a loanword split by the analyzer is joined from.
const LOANWORD_PIECES: usize = 8;

/// Runs of adjacent morphemes written in hiragana (and `ー`).
fn kana_runs(morphemes: &[analysis::Morpheme]) -> Vec<&[analysis::Morpheme]> {
    let is_kana = |text: &str| {
        text.chars()
            .all(|c| analysis::fold::is_hiragana(c) || c == 'ー')
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < morphemes.len() {
        if !is_kana(&morphemes[i].surface) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < morphemes.len()
            && is_kana(&morphemes[j].surface)
            && morphemes[j].start == morphemes[j - 1].end
        {
            j += 1;
        }
        runs.push(&morphemes[i..j]);
        i = j;
    }
    runs
}

/// Synonym group members by their first term (longest first, so `個人情報` wins
/// over `個人`), and each group's analyzed members.
#[allow(clippy::type_complexity)]
fn synonym_members(
    faq: &Faq,
    analyzer: &Analyzer,
) -> Result<(HashMap<String, Vec<Member>>, Vec<Vec<Vec<String>>>)> {
    let mut members = Vec::new();
    let mut groups = Vec::new();
    for (group, words) in faq.synonyms.iter().enumerate() {
        let mut analyzed = Vec::new();
        for word in words {
            let analysis = analyzer.analyze(word)?;
            let terms: Vec<String> = analysis.terms.into_iter().map(|t| t.text).collect();
            // A member written in kanji also stands for its reading, for members
            // who type the word in hiragana (`こわい`, `さくじょ`).
            let reading: Vec<String> = match terms.as_slice() {
                [_] => analysis
                    .readings
                    .into_iter()
                    .map(|t| t.text)
                    .filter(|r| {
                        r.chars().count() >= 3 && r.chars().all(analysis::fold::is_hiragana)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for spelling in [terms, reading] {
                if !spelling.is_empty() && !analyzed.contains(&spelling) {
                    members.push(Member {
                        terms: spelling.clone(),
                        group,
                    });
                    analyzed.push(spelling);
                }
            }
        }
        groups.push(analyzed);
    }
    members.sort_by_key(|m| std::cmp::Reverse(m.terms.len()));
    let mut by_first: HashMap<String, Vec<Member>> = HashMap::default();
    for member in members {
        if let Some(first) = member.terms.first() {
            by_first.entry(first.clone()).or_default().push(member);
        }
    }
    Ok((by_first, groups))
}

/// What the FAQ's own words give the respelling of kana input: readings → words.
#[derive(Default)]
struct FaqWords {
    lexicon: HashMap<String, (String, String)>,
    geminates: HashMap<String, (String, String)>,
    known_terms: HashSet<String>,
    nouns: HashSet<String>,
}

impl FaqWords {
    /// Adds one content morpheme of the FAQ that has a reading.
    fn add(&mut self, analyzer: &Analyzer, m: &analysis::Morpheme) {
        let term = analyzer.fold(&m.base, FieldKind::Terms);
        let base_reading = analyzer.fold(&m.base_reading(), FieldKind::Reading);
        let surface_reading = analyzer.fold(m.surface_reading(), FieldKind::Reading);
        let geminate = m.surface_reading().ends_with(['ッ', 'っ']);
        let has_kanji = m.base.chars().any(analysis::fold::is_kanji);
        // Two kana spell too many things (`にち`, `ほう`): only words of two or more
        // characters are looked up by a two-kana reading. A loanword keeps its
        // length (`めーる` reads `める` once the long vowel is folded away).
        let short_ok = (has_kanji && term.chars().count() >= 2)
            || (term.contains('ー') && term.chars().count() >= 3);
        // Inflected forms the FAQ never uses (`なおった`) still start with the stem
        // of the base form's reading (`なお`).
        let inflects = matches!(m.pos.class, Class::Verb | Class::Adjective);
        let stem = if inflects && has_kanji {
            let mut chars: Vec<char> = base_reading.chars().collect();
            chars.pop();
            chars.into_iter().collect()
        } else {
            String::new()
        };
        if m.pos.class == Class::Noun {
            self.nouns.insert(term.clone());
        }
        self.known_terms.insert(term.clone());
        if geminate && surface_reading.chars().all(analysis::fold::is_hiragana) {
            self.geminates
                .entry(surface_reading.clone())
                .or_insert_with(|| (term.clone(), base_reading.clone()));
        }
        let surface_reading = if geminate {
            String::new()
        } else {
            surface_reading
        };
        for reading in [base_reading.clone(), surface_reading, stem] {
            let long_enough = reading.chars().count() >= if short_ok { 2 } else { 3 };
            if long_enough && reading.chars().all(analysis::fold::is_hiragana) {
                self.lexicon
                    .entry(reading)
                    .or_insert_with(|| (term.clone(), base_reading.clone()));
            }
        }
    }
}

impl ConceptBuilder {
    /// Analyzes the FAQ's synonym groups and collects the readings of its words.
    pub fn new(faq: &Faq, analyzer: &Analyzer) -> Result<ConceptBuilder> {
        let (members, groups) = synonym_members(faq, analyzer)?;
        let mut words = FaqWords::default();
        // Each text with its entry (none for a synonym) and whether it is a phrasing
        // (a question or an alternate).
        let texts = faq
            .entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| {
                std::iter::once((&e.question, true))
                    .chain(e.alternates.iter().map(|a| (a, true)))
                    .chain(std::iter::once((&e.answer, false)))
                    .map(move |(text, phrasing)| (Some(i), text, phrasing))
            })
            .chain(faq.synonyms.iter().flatten().map(|w| (None, w, false)));
        let mut scripted = HashSet::default();
        let mut phrasing_terms = HashSet::default();
        let mut compounds = CompoundCount::default();
        for (entry, text, phrasing) in texts {
            let morphemes = analyzer.morphemes(text)?;
            if let Some(entry) = entry {
                compounds.add(entry, analyzer, &morphemes);
            }
            for m in morphemes {
                if m.content && !m.reading.is_empty() {
                    words.add(analyzer, &m);
                }
                if m.content {
                    let term = analyzer.fold(&m.base, FieldKind::Terms);
                    if phrasing {
                        phrasing_terms.insert(term.clone());
                    }
                    scripted.insert(term);
                }
            }
        }
        let FaqWords {
            mut lexicon,
            geminates,
            known_terms,
            nouns,
        } = words;
        // Interrogatives typed in kana (`ふっきゅうはいつ`) are words, not debris
        // for a FAQ word to absorb (`はい…`).
        for word in analyzer.lang().kana_question_words.iter() {
            lexicon
                .entry(word.to_string())
                .or_insert_with(|| (word.to_string(), word.to_string()));
        }
        let longest_reading = lexicon.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        let first_kanji = known_terms
            .iter()
            .filter_map(|t: &String| t.chars().next())
            .filter(|c| analysis::fold::is_kanji(*c))
            .collect();
        let loanwords = Loanwords::of(&scripted, &analyzer.lang().loanword_sounds);
        let shared_compounds = compounds.shared();
        tracing::debug!(
            compounds = shared_compounds.len(),
            "compounds shared by entries"
        );
        Ok(ConceptBuilder {
            shared_compounds,
            phrasing_terms,
            general: GeneralSynonyms::default(),
            members,
            groups,
            lexicon,
            geminates,
            compounds: compound_parts(&nouns),
            known_terms,
            first_kanji,
            longest_reading,
            longest_ending: analyzer
                .lang()
                .kana_endings
                .iter()
                .map(|e| e.chars().count())
                .max()
                .unwrap_or(0),
            loanwords,
            lang: analyzer.lang().clone(),
        })
    }

    /// Adds what Sudachi's synonym dictionary knows of the words no phrasing uses.
    pub fn attach_general(&mut self, dictionary: &SynonymDictionary) {
        self.general = GeneralSynonyms::for_faq(dictionary, &self.phrasing_terms);
        tracing::info!(words = self.general.len(), "general synonyms for this FAQ");
    }

    /// Whether the FAQ (questions, alternates, answers or synonyms) uses `term`.
    pub fn is_faq_word(&self, term: &str) -> bool {
        self.known_terms.contains(term)
    }

    /// Whether some word of the FAQ starts with the same kanji as `term`: a verb
    /// that does (`貯まる` for 貯める, `分る` for 分かる) may be the FAQ's word in
    /// another form.
    pub fn shares_first_kanji(&self, term: &str) -> bool {
        term.chars()
            .next()
            .is_some_and(|first| self.first_kanji.contains(&first))
    }

    /// The question's concepts: synonyms merged, compounds expanded, all-kana text
    /// respelled (each unless switched off in `ablation`).
    pub fn drafts(
        &self,
        analyzer: &Analyzer,
        analysis: &Analysis,
        ablation: &super::Ablation,
    ) -> Vec<Draft> {
        let (terms, starts) = self.respelled_terms(analyzer, analysis, ablation);
        let mut drafts: Vec<Draft> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::default();
        let mut i = 0;
        while i < terms.len() {
            let member = if ablation.no_synonyms {
                None
            } else {
                self.members.get(&terms[i].0).and_then(|candidates| {
                    candidates.iter().find(|m| {
                        m.terms.len() <= terms.len() - i
                            && m.terms.iter().zip(&terms[i..]).all(|(a, (b, _))| a == b)
                    })
                })
            };
            let compound = if ablation.no_shared_compounds {
                None
            } else {
                self.shared_compounds
                    .longest_prefix(terms[i..].iter().map(|(t, _)| t.as_str()))
                    .filter(|c| member.is_none_or(|m| c.len() > m.terms.len()))
            };
            let member = member.filter(|_| compound.is_none());
            let (len, mut alternatives) = match (compound, member) {
                (Some(compound), _) => (compound.len(), vec![compound.to_vec()]),
                (None, Some(member)) => (member.terms.len(), self.groups[member.group].clone()),
                (None, None) => (1, vec![vec![terms[i].0.clone()]]),
            };
            let heads = if member.is_none() && compound.is_none() {
                self.partial_evidence(&terms[i].0, ablation)
            } else {
                Vec::new()
            };
            if !ablation.no_compounds {
                self.add_compounds(&mut alternatives);
            }
            if member.is_none() && compound.is_none() && !ablation.no_loanwords {
                self.add_loanwords(&terms[i].0, &mut alternatives);
            }
            let text: String = terms[i..i + len].iter().map(|(t, _)| t.as_str()).collect();
            let reading: String = terms[i..i + len].iter().map(|(_, r)| r.as_str()).collect();
            let start = starts[i];
            i += len;
            match seen.get(&text) {
                Some(&earlier) => {
                    drafts[earlier].last_start = drafts[earlier].last_start.max(start)
                }
                None => {
                    seen.insert(text.clone(), drafts.len());
                    drafts.push(Draft {
                        text,
                        reading,
                        alternatives,
                        heads,
                        last_start: start,
                    });
                }
            }
        }
        drafts
    }

    /// A word the FAQ does not use, written in kana or Latin letters, also stands
    /// for the FAQ's words in the other script that sound like it
    /// (`ぼいすぼっくす` → `voicevox`).
    fn add_loanwords(&self, term: &str, alternatives: &mut Vec<Vec<String>>) {
        for word in self
            .loanwords
            .counterparts(term, &self.lang.loanword_sounds)
        {
            let word = vec![word];
            if !alternatives.contains(&word) {
                alternatives.push(word);
            }
        }
    }

    /// The FAQ's compounds of each one-word alternative (`共済` → `コープ共済`).
    fn add_compounds(&self, alternatives: &mut Vec<Vec<String>>) {
        let wholes: Vec<Vec<String>> = alternatives
            .iter()
            .filter_map(|alternative| match alternative.as_slice() {
                [single] => self.compounds.get(single),
                _ => None,
            })
            .flatten()
            .map(|whole| vec![whole.clone()])
            .collect();
        for whole in wholes {
            if !alternatives.contains(&whole) {
                alternatives.push(whole);
            }
        }
    }

    /// The question's `(term, reading)` pairs and where each starts, respelled:
    /// all-kana text through the FAQ's readings (no places), and a kana word the
    /// FAQ does not know inside mixed text (`ｺｼﾞﾝｼﾞｮｳﾎｳは漏れたの`) into the FAQ's
    /// words if they spell it out entirely.
    fn respelled_terms(
        &self,
        analyzer: &Analyzer,
        analysis: &Analysis,
        ablation: &super::Ablation,
    ) -> Placed {
        let terms: Vec<(String, String)> = analysis
            .terms
            .iter()
            .zip(&analysis.readings)
            .map(|(t, r)| (t.text.clone(), r.text.clone()))
            .collect();
        let starts: Vec<Option<usize>> = analysis.terms.iter().map(|t| Some(t.start)).collect();
        if ablation.no_respelling {
            return (terms, starts);
        }
        if analysis::is_kana_heavy(&analysis.normalized) {
            let terms = self.respell(analyzer, &analysis.normalized, terms);
            let starts = vec![None; terms.len()];
            return (terms, starts);
        }
        let mut respelled = Vec::with_capacity(terms.len());
        let mut respelled_starts = Vec::with_capacity(terms.len());
        for ((term, reading), start) in terms.into_iter().zip(starts) {
            match self.spell_out(&term, &reading) {
                Some(words) => {
                    respelled_starts.extend(std::iter::repeat_n(start, words.len()));
                    respelled.extend(words);
                }
                None => {
                    respelled.push((term, reading));
                    respelled_starts.push(start);
                }
            }
        }
        let (terms, starts) = self.respell_runs(analyzer, analysis, respelled, respelled_starts);
        if ablation.no_loanwords {
            return (terms, starts);
        }
        self.join_loanwords(analyzer, analysis, terms, starts)
    }

    /// A loanword the analyzer split into pieces (`ボイス` + `ボックス`, or hiragana
    /// debris `ぼ`+`いす`+`ぼっ`…) that together sound like one of the FAQ's Latin
    /// words (`voicevox`): the longest such run of kana morphemes, starting at a
    /// word, with no word the FAQ knows in it, becomes that word.
    fn join_loanwords(
        &self,
        analyzer: &Analyzer,
        analysis: &Analysis,
        mut terms: Vec<(String, String)>,
        mut starts: Vec<Option<usize>>,
    ) -> Placed {
        let kana =
            |c: char| analysis::fold::is_hiragana(c) || analysis::fold::is_katakana(c) || c == 'ー';
        let morphemes = &analysis.morphemes;
        let mut i = 0;
        while i < morphemes.len() {
            let joined = (2..=LOANWORD_PIECES.min(morphemes.len() - i))
                .rev()
                .map(|len| &morphemes[i..i + len])
                .filter(|run| {
                    run.iter().all(|m| m.surface.chars().all(kana))
                        && run.windows(2).all(|w| w[0].end == w[1].start)
                        && run[0].content
                        && run.iter().all(|m| {
                            !m.content
                                || !self
                                    .known_terms
                                    .contains(&analyzer.fold(&m.base, FieldKind::Terms))
                        })
                })
                .find_map(|run| {
                    let text: String = run.iter().map(|m| m.surface.as_str()).collect();
                    let folded = analyzer.fold(&text, FieldKind::Terms);
                    let word = self
                        .loanwords
                        .joined_counterparts(&folded, &self.lang.loanword_sounds)
                        .into_iter()
                        .next()?;
                    Some((run, word))
                });
            match joined {
                Some((run, word)) => {
                    let found = vec![(word.clone(), word)];
                    (terms, starts) = self.replace_debris(terms, starts, run, found);
                    i += run.len();
                }
                None => i += 1,
            }
        }
        (terms, starts)
    }

    /// What counts as partial evidence for a word that is not a synonym group's:
    /// the known head of a compound the FAQ never uses (unless compounds are
    /// switched off), or else the general synonyms of a word no phrasing uses.
    fn partial_evidence(&self, term: &str, ablation: &super::Ablation) -> Vec<Vec<String>> {
        let heads = if ablation.no_compounds {
            Vec::new()
        } else {
            self.head_of_unknown(term)
        };
        if !heads.is_empty() {
            return heads;
        }
        self.general
            .related(term)
            .iter()
            .map(|word| vec![word.clone()])
            .collect()
    }

    /// For a compound the FAQ never uses (`問合せ先`, `引落日`), its longest head the
    /// FAQ knows (`問合せ`, `引落`) and that head's synonyms: the member asks about
    /// the head's topic, if less specifically.
    fn head_of_unknown(&self, term: &str) -> Vec<Vec<String>> {
        if self.known_terms.contains(term) {
            return Vec::new();
        }
        let chars: Vec<char> = term.chars().collect();
        for len in (2..chars.len()).rev() {
            let head: String = chars[..len].iter().collect();
            let group = self.members.get(&head).and_then(|members| {
                members
                    .iter()
                    .find(|m| m.terms.len() == 1)
                    .map(|m| self.groups[m.group].clone())
            });
            if let Some(group) = group {
                return group;
            }
            if self.known_terms.contains(&head) {
                return vec![vec![head]];
            }
        }
        Vec::new()
    }

    /// The FAQ's words in hiragana text: the segmentation that leaves the fewest
    /// characters unexplained, where a particle (`は`, `が`) explains its character
    /// at a small cost. Greedy longest-first matching would read `しすてむはなおった`
    /// as システム + 話す (`はな…`); the cheapest segmentation reads システム + は +
    /// 直る (`なお…`).
    fn segment(&self, kana: &[char]) -> Vec<(String, String)> {
        self.segment_counting(kana).0
    }

    /// [`ConceptBuilder::segment`], and how many characters it left unexplained
    /// (neither a word, an ending nor a particle).
    fn segment_counting(&self, kana: &[char]) -> (Vec<(String, String)>, usize) {
        const WORD: f32 = 0.2;
        const ENDING: f32 = 0.15;
        const PARTICLE: f32 = 0.5;
        const UNEXPLAINED: f32 = 1.0;
        let n = kana.len();
        // cost[i]: least cost of kana[..i]; back[i]: (start, lexicon entry) of its last piece.
        let mut cost = vec![f32::INFINITY; n + 1];
        let mut back: Vec<(usize, Option<&(String, String)>)> = vec![(0, None); n + 1];
        cost[0] = 0.0;
        for start in 0..n {
            if cost[start].is_infinite() {
                continue;
            }
            let single = if self.lang.kana_particles.contains(&kana[start]) {
                PARTICLE
            } else {
                UNEXPLAINED
            };
            if cost[start] + single < cost[start + 1] {
                cost[start + 1] = cost[start] + single;
                back[start + 1] = (start, None);
            }
            for len in 2..=self.longest_reading.max(self.longest_ending).min(n - start) {
                let piece: String = kana[start..start + len].iter().collect();
                if self.lang.kana_endings.contains(&piece)
                    && cost[start] + ENDING < cost[start + len]
                {
                    cost[start + len] = cost[start] + ENDING;
                    back[start + len] = (start, None);
                }
                let before_te_or_ta = kana
                    .get(start + len)
                    .is_some_and(|c| matches!(c, 'て' | 'た'));
                let entry = self
                    .lexicon
                    .get(&piece)
                    .or_else(|| self.geminates.get(&piece).filter(|_| before_te_or_ta));
                if let Some(entry) = entry
                    && cost[start] + WORD < cost[start + len]
                {
                    cost[start + len] = cost[start] + WORD;
                    back[start + len] = (start, Some(entry));
                }
            }
        }
        let mut found = Vec::new();
        let mut unexplained = 0;
        let mut end = n;
        while end > 0 {
            let (start, entry) = back[end];
            match entry {
                Some(entry) => found.push(entry.clone()),
                None if end - start == 1 && !self.lang.kana_particles.contains(&kana[start]) => {
                    unexplained += 1
                }
                None => {}
            }
            end = start;
        }
        found.reverse();
        (found, unexplained)
    }

    /// The FAQ's words that spell out an unknown kana `term` (by its folded
    /// `reading`) of three or more characters with nothing left over (`こじんじょうほう` → 個人情報), fewest
    /// words first; `None` for a known term or when no such spelling exists.
    fn spell_out(&self, term: &str, reading: &str) -> Option<Vec<(String, String)>> {
        let all_kana = term
            .chars()
            .all(|c| analysis::fold::is_hiragana(c) || c == 'ー');
        let folded: Vec<char> = reading.chars().collect();
        if !all_kana || self.known_terms.contains(term) {
            return None;
        }
        // A short kana word that reads exactly like an FAQ word's base form
        // (`くる` → 来る, `けす` → 消す) is that word.
        if let Some((word, base_reading)) = self.lexicon.get(reading)
            && base_reading == reading
            && word.chars().any(analysis::fold::is_kanji)
        {
            return Some(vec![(word.clone(), base_reading.clone())]);
        }
        if folded.len() < 3 {
            return None;
        }
        let n = folded.len();
        // words_to[i]: fewest words spelling folded[..i]; last[i]: the last of them
        // and where it starts.
        let mut words_to: Vec<Option<usize>> = vec![None; n + 1];
        let mut last: Vec<Option<(usize, &(String, String))>> = vec![None; n + 1];
        words_to[0] = Some(0);
        for start in 0..n {
            let Some(before) = words_to[start] else {
                continue;
            };
            for len in 2..=self.longest_reading.min(n - start) {
                let piece: String = folded[start..start + len].iter().collect();
                if let Some(entry) = self.lexicon.get(&piece)
                    && words_to[start + len].is_none_or(|w| before + 1 < w)
                {
                    words_to[start + len] = Some(before + 1);
                    last[start + len] = Some((start, entry));
                }
            }
        }
        let mut words = Vec::new();
        let mut end = n;
        while end > 0 {
            let (start, entry) = last[end]?;
            words.push(entry.clone());
            end = start;
        }
        words.reverse();
        Some(words)
    }

    /// Respells hiragana runs inside mixed text that the analyzer split into
    /// debris (`データさくじょできる` → `さ`/`くじ`/`ょできる`): a run of three or more
    /// kana with a content word the FAQ does not know is segmented like an all-kana
    /// question, and the FAQ's words found replace the run's debris (its known
    /// words, and the `もし` of `きたら`, stay).
    fn respell_runs(
        &self,
        analyzer: &Analyzer,
        analysis: &Analysis,
        mut terms: Vec<(String, String)>,
        mut starts: Vec<Option<usize>>,
    ) -> Placed {
        for run in kana_runs(&analysis.morphemes) {
            // Debris: a noun, verb or unknown word the FAQ does not use (`くじ` of
            // `さくじょ`, `つくる` of `いつくる`); a kana adverb (`いったん`) is a
            // real word.
            let debris = run.iter().any(|m| {
                m.content
                    && matches!(
                        m.pos.class,
                        Class::Unknown | Class::Noun | Class::Verb | Class::Adjective
                    )
                    && !self
                        .known_terms
                        .contains(&analyzer.fold(&m.base, FieldKind::Terms))
            });
            let text: String = run.iter().map(|m| m.surface.as_str()).collect();
            if !debris || text.chars().count() < 3 {
                continue;
            }
            // Only a run the FAQ's words explain almost entirely: function words
            // (`っていったんでしょうか`) would otherwise yield stray words (`いつ`).
            let kana: Vec<char> = analyzer.fold(&text, FieldKind::Reading).chars().collect();
            let (found, unexplained) = self.segment_counting(&kana);
            if found.is_empty() || unexplained * 4 > kana.len() {
                continue;
            }
            // The run's debris goes; its known words (and `もし` of `きたら`) stay.
            (terms, starts) = self.replace_debris(terms, starts, run, found);
        }
        (terms, starts)
    }

    /// Replaces the terms of a kana run that the FAQ does not know with the FAQ
    /// words `found` in it; its known words (and `もし` of `きたら`) stay.
    fn replace_debris(
        &self,
        terms: Vec<(String, String)>,
        starts: Vec<Option<usize>>,
        run: &[analysis::Morpheme],
        found: Vec<(String, String)>,
    ) -> Placed {
        let (from, to) = (run[0].start, run[run.len() - 1].end);
        let debris_at = |i: usize| {
            starts[i].is_some_and(|s| s >= from && s < to)
                && !self.known_terms.contains(&terms[i].0)
                && terms[i].0 != analysis::CONDITIONAL
        };
        let mut kept_terms = Vec::with_capacity(terms.len());
        let mut kept_starts = Vec::with_capacity(terms.len());
        let mut at = None;
        for (i, (term, start)) in terms.iter().zip(&starts).enumerate() {
            if debris_at(i) {
                at.get_or_insert(kept_terms.len());
            } else {
                kept_terms.push(term.clone());
                kept_starts.push(*start);
            }
        }
        let found: Vec<(String, String)> = found
            .into_iter()
            .filter(|(word, _)| !kept_terms.iter().any(|(t, _)| t == word))
            .collect();
        let at = at.unwrap_or(kept_terms.len());
        kept_starts.splice(at..at, std::iter::repeat_n(Some(from), found.len()));
        kept_terms.splice(at..at, found);
        (kept_terms, kept_starts)
    }

    /// Finds the FAQ's words in hiragana text ([`ConceptBuilder::segment`]) and keeps the
    /// analyzed terms that are not segmentation debris (hiragana the FAQ never uses).
    fn respell(
        &self,
        analyzer: &Analyzer,
        normalized: &str,
        analyzed: Vec<(String, String)>,
    ) -> Vec<(String, String)> {
        let kana: Vec<char> = analyzer
            .fold(normalized, FieldKind::Reading)
            .chars()
            .collect();
        let found = self.segment(&kana);
        let kept = analyzed.into_iter().filter(|(term, _)| {
            self.known_terms.contains(term)
                || !term
                    .chars()
                    .all(|c| analysis::fold::is_hiragana(c) || c == 'ー')
        });
        let mut terms: Vec<(String, String)> = Vec::new();
        for (term, reading) in found.into_iter().chain(kept) {
            if !terms.iter().any(|(t, _)| *t == term) {
                terms.push((term, reading));
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compound_parts_are_heads_and_tails() {
        let nouns: HashSet<String> = ["こーぷ共済", "全面的", "引落口座", "情報"]
            .into_iter()
            .map(String::from)
            .collect();
        let parts = compound_parts(&nouns);
        let wholes = |part: &str| parts.get(part).cloned().unwrap_or_default();
        assert_eq!(wholes("共済"), ["こーぷ共済"]);
        assert_eq!(wholes("こーぷ"), ["こーぷ共済"]);
        assert_eq!(wholes("全面"), ["全面的"]);
        assert_eq!(wholes("口座"), ["引落口座"]);
        assert_eq!(wholes("引落"), ["引落口座"]);
        // One-character tails and words without a compound are not parts.
        assert!(wholes("的").is_empty());
        assert!(wholes("情報").is_empty());
    }
}
