//! SHA-256 checksums of the files of a directory: how kotae tells a cache it wrote
//! (an index generation, the compiled dictionary) from one that was damaged since.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The checksum of every regular file directly in `dir` whose name `include`
/// accepts, by file name.
pub fn of_files(dir: &Path, include: impl Fn(&str) -> bool) -> Result<BTreeMap<String, String>> {
    let mut sums = BTreeMap::new();
    for item in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let item = item.map_err(|e| Error::io(dir, e))?;
        let path = item.path();
        let name = item.file_name().to_string_lossy().into_owned();
        if path.is_file() && include(&name) {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            sums.insert(name, sha256_hex(&bytes));
        }
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_changes_its_checksum() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"one").unwrap();
        std::fs::write(dir.path().join("skip.lock"), b"").unwrap();
        let before = of_files(dir.path(), |name| !name.ends_with(".lock")).unwrap();
        assert_eq!(before.keys().collect::<Vec<_>>(), ["a"]);
        std::fs::write(dir.path().join("a"), b"two").unwrap();
        assert_ne!(before, of_files(dir.path(), |_| true).unwrap());
    }
}
