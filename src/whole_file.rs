//! Files replaced whole: the new contents go to a temporary file beside the target,
//! which is then renamed over it. A rename within one directory is atomic, so a
//! crash, a reader or a file watcher never sees half a file.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A temporary path beside `path` that only this process writes
/// (`synonyms-….tmp1234` for `synonyms-….tsv`).
pub fn temporary_beside(path: &Path) -> PathBuf {
    path.with_extension(format!("tmp{}", std::process::id()))
}

/// Writes `bytes` to `tmp`, then renames `tmp` over `path`.
pub fn replace(tmp: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(tmp, bytes).map_err(|e| Error::io(tmp, e))?;
    std::fs::rename(tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_contents_replace_the_old_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.tsv");
        std::fs::write(&path, "old").unwrap();
        let tmp = temporary_beside(&path);
        assert_eq!(tmp.parent(), path.parent());
        replace(&tmp, &path, b"new contents").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new contents");
        assert!(!tmp.exists());
    }

    #[test]
    fn a_target_that_cannot_be_written_is_a_clear_error_and_the_old_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.tsv");
        std::fs::write(&path, "old").unwrap();
        let tmp = dir.path().join("missing-dir").join("data.tmp");
        let err = replace(&tmp, &path, b"new").unwrap_err().to_string();
        assert!(err.contains("missing-dir"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    }
}
