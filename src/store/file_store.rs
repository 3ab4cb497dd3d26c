//! The file backend: one JSON file (`credentials.json`) in the config dir, mode 0600, written
//! atomically under a lock. A file others can read is refused; a broken file is never overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fsutil;
use super::record::Record;
use crate::error::{Error, Result};

pub const FILE_NAME: &str = "credentials.json";

#[derive(Default, Serialize, Deserialize)]
struct Contents {
    version: u32,
    records: BTreeMap<String, Record>,
}

pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(config_dir: &Path) -> Self {
        FileStore { path: config_dir.join(FILE_NAME) }
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, key: &str) -> Result<Option<Record>> {
        Ok(self.read()?.records.remove(key))
    }

    pub fn set(&self, record: &Record) -> Result<()> {
        self.update(|c| {
            c.records.insert(record.key(), record.clone());
            true
        })
        .map(|_| ())
    }

    pub fn delete(&self, key: &str) -> Result<bool> {
        self.update(|c| c.records.remove(key).is_some())
    }

    /// Read-modify-write under the file's lock; writes only when `change` says it changed something.
    fn update(&self, change: impl FnOnce(&mut Contents) -> bool) -> Result<bool> {
        let _guard = fsutil::lock(&self.lock_path())?;
        let mut contents = self.read()?;
        if !change(&mut contents) {
            return Ok(false);
        }
        contents.version = 1;
        let bytes = serde_json::to_vec_pretty(&contents).expect("records serialize");
        fsutil::write_atomic(&self.path, &bytes).map_err(|e| Error::store(e.message))?;
        Ok(true)
    }

    fn read(&self) -> Result<Contents> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => return Err(Error::store(format!("cannot read {}: {e}", self.path.display()))),
        };
        fsutil::check_private(&self.path)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::store(format!("{} is not a valid credentials file ({e}); it was left as it is", self.path.display()))
                .with_hint("restore it from a backup, or move it away and run `oauthctl connect` again")
        })
    }

    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("json.lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::sample;

    #[test]
    fn set_get_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileStore::new(dir.path());
        assert!(s.get("gmail:a").unwrap().is_none());
        s.set(&sample("gmail", "a")).unwrap();
        s.set(&sample("gmail", "b")).unwrap();
        assert_eq!(s.get("gmail:a").unwrap().unwrap().account, "a");
        assert!(s.delete("gmail:a").unwrap());
        assert!(!s.delete("gmail:a").unwrap());
        assert!(s.get("gmail:b").unwrap().is_some());
    }

    #[test]
    fn corrupt_file_is_an_error_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileStore::new(dir.path());
        s.set(&sample("gmail", "a")).unwrap();
        std::fs::write(s.path(), b"{not json").unwrap();
        let e = s.set(&sample("gmail", "b")).unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Store);
        assert_eq!(std::fs::read(s.path()).unwrap(), b"{not json");
    }
}
