//! Private files: created 0600 in 0700 directories, written atomically (temp file, fsync, rename,
//! fsync the directory) so a process killed at any moment leaves the old file or the new one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result, io_error};

pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| io_error("creating directory", dir, e))
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file path has a parent");
    ensure_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
    let result = (|| {
        let mut f = open_private(&tmp)?;
        f.write_all(bytes).map_err(|e| io_error("writing", &tmp, e))?;
        f.sync_all().map_err(|e| io_error("syncing", &tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| io_error("replacing", path, e))?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn open_private(path: &Path) -> Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| io_error("creating", path, e))
}

fn unique() -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("OS randomness");
    u64::from_le_bytes(b)
}

/// Refuses a file that group or others can read or write, as ssh refuses a loose key.
pub fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|e| io_error("reading", path, e))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::store(format!(
                "{} is accessible by group or others (mode {mode:03o}); refusing to use it",
                path.display()
            ))
            .with_hint(format!("if nobody else could have read it, run: chmod 600 {}", path.display())));
        }
    }
    let _ = path;
    Ok(())
}

/// Exclusive lock on `path` (created if missing), held until the returned file is dropped.
pub fn lock(path: &Path) -> Result<File> {
    ensure_private_dir(path.parent().expect("lock path has a parent"))?;
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts.open(path).map_err(|e| io_error("opening lock", path, e))?;
    f.lock().map_err(|e| io_error("locking", path, e))?;
    Ok(f)
}

/// A file name for an arbitrary key (accounts hold '@', ':' and more).
pub fn file_name_for(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("f.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        check_private(&p).unwrap();
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }

    #[cfg(unix)]
    #[test]
    fn loose_permissions_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, "x").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let e = check_private(&p).unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Store);
        assert!(e.message.contains("644") && e.hint.unwrap().contains("chmod 600"));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name_for("gmail:me@x.test"), "gmail%3Ame@x.test");
        assert_eq!(file_name_for("a/../b"), "a%2F..%2Fb");
    }
}
