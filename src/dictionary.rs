//! The IPADIC dictionary: Debian's source CSVs → a compiled, checksummed cache →
//! memory.
//!
//! lindera's `embed-ipadic` feature downloads its dictionary at build time, which
//! cannot work offline. Instead kotae compiles the EUC-JP source that Debian's
//! `mecab-ipadic` package installs, once, into a cache directory, with a checksum
//! list ([`CHECKSUMS`]). Every start verifies the cache against it (a cache that was
//! emptied, truncated or altered is compiled again, never used) and reads it into
//! memory rather than mapping it, so a file changed underneath cannot fault the
//! process.
//!
//! The non-obvious decision: compilation writes into a private temporary directory
//! next to the cache and renames it into place only when complete. A crash leaves at
//! most a stray temporary directory, never a half-built cache, and two processes
//! starting together both succeed (the loser of the rename race discards its copy).

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use lindera::dictionary::{Dictionary, UserDictionary, load_dictionary_with_options};
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

use crate::checksum;
use crate::error::{Error, Result};

/// Where Debian's `mecab-ipadic` package puts the source CSVs.
pub const DEFAULT_IPADIC_SRC: &str = "/usr/share/mecab/dic/ipadic";

/// lindera-ipadic 6.2's metadata, with the encoding set to Debian's EUC-JP.
const IPADIC_METADATA: &str = include_str!("ipadic_metadata.json");

/// Name of the compiled dictionary inside the cache directory. It carries the
/// lindera version so that an upgrade compiles a fresh, compatible copy.
const COMPILED_NAME: &str = "ipadic-lindera-6.2";

/// File inside the compiled dictionary listing every other file's SHA-256.
pub const CHECKSUMS: &str = "kotae-checksums.json";

/// Returns the compiled dictionary directory inside `cache_dir`, compiling it from
/// `source` first if it is not there yet.
pub fn ensure_compiled(source: &Path, cache_dir: &Path) -> Result<PathBuf> {
    let target = cache_dir.join(COMPILED_NAME);
    if target.exists() {
        match verify(&target) {
            Ok(()) => return Ok(target),
            Err(problem) => {
                tracing::warn!(dir = %target.display(), problem, "dictionary cache damaged; compiling it again");
                std::fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
            }
        }
    }
    if !source.join("matrix.def").is_file() {
        return Err(Error::NoIpadic(source.to_path_buf()));
    }
    std::fs::create_dir_all(cache_dir).map_err(|e| Error::io(cache_dir, e))?;
    let tmp = cache_dir.join(format!(
        ".{COMPILED_NAME}.tmp-{}-{}",
        std::process::id(),
        unique_suffix()
    ));
    tracing::info!(source = %source.display(), target = %target.display(), "compiling IPADIC dictionary");
    let built = metadata()
        .and_then(|meta| {
            DictionaryBuilder::new(meta)
                .build_dictionary(source, &tmp)
                .map_err(|e| dictionary_error(source, e))
        })
        .and_then(|()| write_checksums(&tmp));
    if let Err(err) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(err);
    }
    match std::fs::rename(&tmp, &target) {
        Ok(()) => Ok(target),
        // Another process finished first: its copy is as good as ours.
        Err(_) if verify(&target).is_ok() => {
            let _ = std::fs::remove_dir_all(&tmp);
            Ok(target)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(Error::io(&target, e))
        }
    }
}

/// Opens a compiled dictionary directory, read into memory (not mapped).
pub fn open(compiled: &Path) -> Result<Dictionary> {
    load_dictionary_with_options(&compiled.to_string_lossy(), false)
        .map_err(|e| dictionary_error(compiled, e))
}

/// SHA-256 (hex) of every file of `dir` but the checksum list, by name.
fn file_checksums(dir: &Path) -> Result<BTreeMap<String, String>> {
    checksum::of_files(dir, |name| name != CHECKSUMS)
}

fn write_checksums(dir: &Path) -> Result<()> {
    let json =
        serde_json::to_vec_pretty(&file_checksums(dir)?).map_err(|e| dictionary_error(dir, e))?;
    let path = dir.join(CHECKSUMS);
    std::fs::write(&path, json).map_err(|e| Error::io(&path, e))
}

/// Whether the compiled dictionary in `dir` is exactly what was compiled; the
/// problem otherwise.
fn verify(dir: &Path) -> std::result::Result<(), String> {
    let path = dir.join(CHECKSUMS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{CHECKSUMS}: {e}"))?;
    let expected: BTreeMap<String, String> =
        serde_json::from_str(&text).map_err(|e| format!("{CHECKSUMS}: {e}"))?;
    let found = file_checksums(dir).map_err(|e| e.to_string())?;
    if expected.is_empty() || expected != found {
        return Err("files differ from their checksums".into());
    }
    Ok(())
}

/// Compiles the simple user dictionary (UTF-8 CSV: surface, part of speech, reading)
/// against the system dictionary's metadata. `origin` names the file in errors.
pub fn user_dictionary(csv: &str, origin: &Path) -> Result<UserDictionary> {
    DictionaryBuilder::new(metadata()?)
        .build_user_dict_from_reader(csv.as_bytes())
        .map_err(|e| dictionary_error(origin, e))
}

fn metadata() -> Result<Metadata> {
    Metadata::load(IPADIC_METADATA.as_bytes()).map_err(|e| Error::Dictionary {
        path: PathBuf::from("src/ipadic_metadata.json"),
        message: e.to_string(),
    })
}

fn dictionary_error(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::Dictionary {
        path: path.to_path_buf(),
        message: err.to_string(),
    }
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_source_names_the_package_and_the_flag() {
        let cache = tempfile::tempdir().unwrap();
        let err = ensure_compiled(Path::new("/nonexistent/ipadic"), cache.path()).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::NoIpadic(_)));
        assert!(
            message.contains("apt-get install -y mecab-ipadic"),
            "{message}"
        );
        assert!(message.contains("--ipadic-src"), "{message}");
        assert!(message.contains("/nonexistent/ipadic"), "{message}");
    }

    #[test]
    fn missing_source_leaves_no_cache_behind() {
        let cache = tempfile::tempdir().unwrap();
        let _ = ensure_compiled(Path::new("/nonexistent/ipadic"), cache.path());
        assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_malformed_user_dictionary_is_an_error_naming_the_file() {
        let Err(err) = user_dictionary("ならコープ\n", Path::new("faq/userdict.csv")) else {
            panic!("a one-column user dictionary must be rejected");
        };
        assert!(err.to_string().contains("faq/userdict.csv"), "{err}");
    }
}
