//! The file backend: one JSON file per account in `credentials/` of the config dir, mode 0600 in a
//! 0700 directory, written atomically. Reading one account reads one small file, whatever the
//! number of accounts. A file others can read is refused; a broken file is never overwritten.
//!
//! Earlier versions kept every record in one `credentials.json`. That file is moved into
//! per-account files the first time the store is used (each record written before the old file
//! is removed, so a kill at any point loses nothing: the next run finishes the move).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Error;
use super::record::Record;
use crate::fsutil::{self, Trust};

pub const DIR_NAME: &str = "credentials";
pub const LEGACY_FILE: &str = "credentials.json";
const LIMIT: u64 = 4 * 1024 * 1024;

pub struct FileStore {
    config_dir: PathBuf,
}

#[derive(Deserialize)]
struct Legacy {
    #[serde(default)]
    records: BTreeMap<String, Record>,
}

impl FileStore {
    pub fn new(config_dir: &Path) -> Self {
        FileStore { config_dir: config_dir.to_path_buf() }
    }

    pub fn dir(&self) -> PathBuf {
        self.config_dir.join(DIR_NAME)
    }

    pub fn path_of(&self, key: &str) -> PathBuf {
        self.dir().join(format!("{}.json", fsutil::file_name_for(key)))
    }

    pub fn get(&self, key: &str) -> Result<Option<Record>, Error> {
        let Some(bytes) = self.get_bytes(key)? else { return Ok(None) };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| Error::Corrupt {
            path: self.path_of(key),
            what: "credentials file",
            detail: e.to_string(),
        })
    }

    /// Writes the record (the caller holds the account's lock).
    pub fn set(&self, record: &Record) -> Result<(), Error> {
        self.set_bytes(&record.key(), &serde_json::to_vec_pretty(record).expect("records serialize"))
    }

    /// The secret document kept under `key` (a record, a client registration).
    pub fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        self.migrate()?;
        // Whoever may write the directory may remove, rename or swap the records in it: it is
        // checked on reads too, not only when oauthctl writes there.
        fsutil::check_dir(&self.dir()).map_err(Error::File)?;
        fsutil::read_trusted(&self.path_of(key), Trust::Secret, LIMIT).map_err(Error::File)
    }

    pub fn set_bytes(&self, key: &str, bytes: &[u8]) -> Result<(), Error> {
        self.migrate()?;
        fsutil::write_atomic(&self.path_of(key), bytes).map_err(Error::File)
    }

    /// Deletes the record; `false` when there was none.
    pub fn delete(&self, key: &str) -> Result<bool, Error> {
        self.migrate()?;
        match std::fs::remove_file(self.path_of(key)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::File(fsutil::Error {
                path: self.path_of(key),
                problem: fsutil::Problem::Io { what: "removing", source: e },
            })),
        }
    }

    /// Checks the store can be read and written: the directory is private (created if missing)
    /// and an older single-file store has been moved.
    pub fn probe(&self) -> Result<(), Error> {
        self.migrate()?;
        fsutil::ensure_private_dir(&self.dir()).map_err(Error::File)
    }

    /// Moves the records of a `credentials.json` of an older version into per-account files.
    fn migrate(&self) -> Result<(), Error> {
        let legacy = self.config_dir.join(LEGACY_FILE);
        if !legacy.exists() {
            return Ok(());
        }
        let _guard = fsutil::lock(&self.config_dir.join("credentials.json.lock")).map_err(Error::File)?;
        let Some(bytes) = fsutil::read_trusted(&legacy, Trust::Secret, 256 * LIMIT).map_err(Error::File)? else {
            return Ok(()); // another process finished the move
        };
        let old: Legacy = serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
            path: legacy.clone(),
            what: "credentials file",
            detail: e.to_string(),
        })?;
        for (key, record) in &old.records {
            let path = self.path_of(key);
            if !path.exists() {
                let bytes = serde_json::to_vec_pretty(record).expect("records serialize");
                fsutil::write_atomic(&path, &bytes).map_err(Error::File)?;
            }
        }
        std::fs::remove_file(&legacy).map_err(|e| {
            Error::File(fsutil::Error { path: legacy, problem: fsutil::Problem::Io { what: "removing", source: e } })
        })
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
        std::fs::write(s.path_of("gmail:a"), b"{not json").unwrap();
        assert!(matches!(s.get("gmail:a").unwrap_err(), Error::Corrupt { .. }));
        assert_eq!(std::fs::read(s.path_of("gmail:a")).unwrap(), b"{not json");
    }

    #[test]
    fn an_older_single_file_store_is_moved_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = serde_json::json!({"version": 1, "records": {
            "gmail:a": serde_json::to_value(sample("gmail", "a")).unwrap(),
            "gmail:b": serde_json::to_value(sample("gmail", "b")).unwrap(),
        }});
        fsutil::write_atomic(&dir.path().join(LEGACY_FILE), legacy.to_string().as_bytes()).unwrap();
        let s = FileStore::new(dir.path());
        assert_eq!(s.get("gmail:b").unwrap().unwrap().account, "b");
        assert!(s.get("gmail:a").unwrap().is_some());
        assert!(!dir.path().join(LEGACY_FILE).exists());
    }
}
