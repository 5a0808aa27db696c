//! The tantivy index: schema, field names, build and open.
//!
//! One document per *phrasing* (the official question and each alternate) and one
//! per *answer*. Phrasings are short and many, so BM25 compares a member's question
//! with each way of asking rather than with one long concatenation, and the
//! answer's length cannot bury its matches.
//!
//! Generations are content-addressed: `<root>/gen-<hash>/` where the hash covers
//! the FAQ content and [`FORMAT`]. A build writes a private temporary directory and
//! renames it into place only after its manifest is written, so a crash mid-build
//! never leaves a directory that a later start would open; a generation without a
//! manifest, or one tantivy cannot open, is rebuilt.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::directory::RamDirectory;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Directory, Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::analysis::{self, Analyzer, FieldKind};
use crate::checksum;
use crate::error::{Error, Result};
use crate::faq::Faq;

/// Version of the schema; part of every generation's hash together with the
/// analyzer's fingerprint, so neither a schema nor an analysis change ever opens an
/// index built by the old code.
pub const FORMAT: &str = "kotae-index-6";

/// File written last into a finished generation.
const MANIFEST: &str = "kotae-manifest.json";

/// Field name of the entry id (stored, exact).
pub const ID: &str = "id";
/// Field name of the fast field locating a document's entry: `ordinal << 1 | is_answer`,
/// where `ordinal` is the entry's position in the FAQ the generation was built from.
/// Retrieval reads it instead of loading stored documents.
pub const SLOT: &str = "slot";
/// Field name of the stored answer text, analyzed for snippets and matching.
pub const ANSWER: &str = "answer";
/// Field name of a phrasing's text as written (stored only, for `explain`).
pub const PHRASING_TEXT: &str = "phrasing";
/// Field names of a phrasing's analyzed text, one per [`FieldKind`].
pub const PHRASING: [&str; 4] = [
    "phrasing_terms",
    "phrasing_reading",
    "phrasing_kana2",
    "phrasing_char2",
];

/// The schema's fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Entry id.
    pub id: Field,
    /// `ordinal << 1 | is_answer` (fast field).
    pub slot: Field,
    /// Answer text (answer documents only).
    pub answer: Field,
    /// Phrasing text as written (phrasing documents only).
    pub phrasing_text: Field,
    /// Phrasing text per field kind, in [`FieldKind::ALL`] order.
    pub phrasing: [Field; 4],
}

impl Fields {
    /// The phrasing field analyzed as `kind`.
    pub fn phrasing(&self, kind: FieldKind) -> Field {
        self.phrasing[kind_index(kind)]
    }
}

fn kind_index(kind: FieldKind) -> usize {
    FieldKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

/// Builds the schema and returns it with its fields.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_text_field(ID, STRING | STORED);
    let slot = builder.add_u64_field(SLOT, FAST);
    let text = |kind: FieldKind| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(kind.tokenizer_name())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let answer = builder.add_text_field(ANSWER, text(FieldKind::Terms) | STORED);
    let phrasing_text = builder.add_text_field(PHRASING_TEXT, STORED);
    let phrasing =
        FieldKind::ALL.map(|kind| builder.add_text_field(PHRASING[kind_index(kind)], text(kind)));
    (
        builder.build(),
        Fields {
            id,
            slot,
            answer,
            phrasing_text,
            phrasing,
        },
    )
}

/// What a finished generation records about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`] at build time.
    pub format: String,
    /// The FAQ's content hash.
    pub content_hash: String,
    /// Number of FAQ entries indexed.
    pub entries: usize,
    /// Number of documents (phrasings and answers).
    pub documents: usize,
    /// Every file of the generation with its SHA-256 (hex): a generation whose
    /// files are missing or differ is rebuilt, never served.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

/// An open index generation, ready to search.
pub struct FaqIndex {
    /// The tantivy index, with kotae's tokenizers registered.
    pub index: Index,
    /// A reader; one searcher is taken per generation by the matcher.
    pub reader: IndexReader,
    /// Resolved fields.
    pub fields: Fields,
    /// The generation directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Whether this call built it (false: it was already there).
    pub built: bool,
}

/// The generation directory name for a FAQ's content as this analyzer sees it.
pub fn generation_name(faq: &Faq, analyzer: &Analyzer) -> String {
    let mut hasher = Sha256::new();
    hasher.update(FORMAT.as_bytes());
    hasher.update(faq.content_hash.as_bytes());
    hasher.update(analyzer.fingerprint().as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("gen-{hex}")
}

/// Opens the generation for `faq` under `root`, building it first if it is missing
/// or unreadable.
pub fn open_or_build(faq: &Faq, analyzer: &Analyzer, root: &Path) -> Result<FaqIndex> {
    remove_abandoned_builds(root);
    let dir = root.join(generation_name(faq, analyzer));
    if dir.exists() && !dir.join(MANIFEST).is_file() {
        tracing::warn!(dir = %dir.display(), "index generation has no manifest; rebuilding");
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    if dir.join(MANIFEST).is_file() {
        match open(&dir, analyzer) {
            Ok(index) if index.manifest.content_hash == faq.content_hash => return Ok(index),
            Ok(_) => {
                tracing::warn!(dir = %dir.display(), "index generation holds other content; rebuilding")
            }
            Err(err) => {
                tracing::warn!(dir = %dir.display(), error = %err, "index generation unreadable; rebuilding")
            }
        }
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    build(faq, analyzer, root)
}

/// Builds the generation for `faq` under `root` (replacing nothing that exists).
pub fn build(faq: &Faq, analyzer: &Analyzer, root: &Path) -> Result<FaqIndex> {
    std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
    let dir = root.join(generation_name(faq, analyzer));
    let tmp = root.join(format!(".build-{}-{}", std::process::id(), nanos()));
    let result = write_generation(faq, analyzer, &tmp).and_then(|()| {
        match std::fs::rename(&tmp, &dir) {
            Ok(()) => Ok(()),
            // A concurrent build of the same content finished first.
            Err(_) if dir.join(MANIFEST).is_file() => Ok(()),
            Err(e) => Err(Error::io(&dir, e)),
        }
    });
    if tmp.exists() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result?;
    remove_stale_generations(root, &dir);
    let mut index = open(&dir, analyzer)?;
    index.built = true;
    Ok(index)
}

fn write_generation(faq: &Faq, analyzer: &Analyzer, dir: &Path) -> Result<()> {
    // Analysis errors must surface here: the tokenizer adapter cannot report them.
    for entry in &faq.entries {
        let texts = std::iter::once(&entry.question)
            .chain(&entry.alternates)
            .chain(std::iter::once(&entry.answer));
        for text in texts {
            for kind in FieldKind::ALL {
                analyzer
                    .terms(text, kind)
                    .map_err(|e| Error::InvalidFaq(vec![format!("entry {:?}: {e}", entry.id)]))?;
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index, analyzer);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
    let mut documents = 0;
    for (ordinal, entry) in faq.entries.iter().enumerate() {
        let ordinal = ordinal as u64;
        for phrasing in std::iter::once(&entry.question).chain(&entry.alternates) {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.id, &entry.id);
            doc.add_u64(fields.slot, ordinal << 1);
            doc.add_text(fields.phrasing_text, phrasing);
            for field in fields.phrasing {
                doc.add_text(field, phrasing);
            }
            writer.add_document(doc)?;
            documents += 1;
        }
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.id, &entry.id);
        doc.add_u64(fields.slot, ordinal << 1 | 1);
        doc.add_text(fields.answer, &entry.answer);
        writer.add_document(doc)?;
        documents += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let manifest = Manifest {
        format: FORMAT.to_string(),
        content_hash: faq.content_hash.clone(),
        entries: faq.entries.len(),
        documents,
        // Lock files are tantivy's bookkeeping while writing, not index content.
        files: checksum::of_files(dir, |name| !name.ends_with(".lock"))?,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Index(e.to_string()))?;
    let path = dir.join(MANIFEST);
    std::fs::write(&path, json).map_err(|e| Error::io(&path, e))
}

/// Reads every file the manifest lists into memory, checking each against its
/// checksum. Serving from memory means a file changed or truncated underneath
/// can never fault the process (as a memory map would, with SIGBUS).
fn load_verified(dir: &Path, manifest: &Manifest) -> Result<RamDirectory> {
    if manifest.files.is_empty() {
        return Err(Error::Index(format!(
            "{}: the manifest lists no files",
            dir.display()
        )));
    }
    let memory = RamDirectory::create();
    for (name, expected) in &manifest.files {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        if checksum::sha256_hex(&bytes) != *expected {
            return Err(Error::Index(format!(
                "{}: checksum mismatch",
                path.display()
            )));
        }
        memory
            .atomic_write(Path::new(name), &bytes)
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(memory)
}

/// Opens a finished generation directory, verified and read into memory.
pub fn open(dir: &Path, analyzer: &Analyzer) -> Result<FaqIndex> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| Error::Index(format!("{}: {e}", path.display())))?;
    if manifest.format != FORMAT {
        return Err(Error::Index(format!(
            "{}: format {} is not {FORMAT}",
            dir.display(),
            manifest.format
        )));
    }
    let index = Index::open(load_verified(dir, &manifest)?)?;
    analysis::register(&index, analyzer);
    let (_, fields) = schema();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(FaqIndex {
        index,
        reader,
        fields,
        dir: dir.to_path_buf(),
        manifest,
        built: false,
    })
}

/// Removes older generations and abandoned builds, keeping `current` and the most
/// recent other generation (a replica or a reload may still be reading it).
fn remove_stale_generations(root: &Path, current: &Path) {
    let Ok(items) = std::fs::read_dir(root) else {
        return;
    };
    let mut generations: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    for item in items.flatten() {
        let path = item.path();
        let name = item.file_name().to_string_lossy().into_owned();
        let modified = item
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        let age = modified.elapsed().unwrap_or_default();
        if name.starts_with(".build-") && age.as_secs() > 3600 {
            let _ = std::fs::remove_dir_all(&path);
        } else if name.starts_with("gen-") && path != current {
            generations.push((modified, path));
        }
    }
    generations.sort();
    generations.pop();
    for (_, path) in generations {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// Removes `.build-<pid>-…` directories whose building process is gone (a crash
/// mid-build); a build still running in another process is left alone.
fn remove_abandoned_builds(root: &Path) {
    let Ok(items) = std::fs::read_dir(root) else {
        return;
    };
    for item in items.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(".build-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists() && pid != "self";
        let ours = pid == std::process::id().to_string();
        if !alive && !ours {
            tracing::info!(dir = %item.path().display(), "removing an abandoned index build");
            let _ = std::fs::remove_dir_all(item.path());
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}
