//! Files oauthctl trusts. Its config dir holds where tokens are sent (`providers.toml`) and the
//! tokens themselves, so, as ssh does with `~/.ssh`, it refuses a directory or file that another
//! user owns or that group or others can write, and a secret file that group or others can read.
//! Checks are made on the open file descriptor (no race between check and read), only regular
//! files are read, with a size cap (a FIFO or `/dev/zero` cannot hang or exhaust oauthctl), and
//! lock files are never followed through a symlink. Writes are atomic: temp file, fsync, rename,
//! fsync the directory; a process killed at any moment leaves the old file or the new one, and the
//! next write removes temp files such a kill left behind.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What may be in a file: `Config` must not be writable by others; `Secret` not even readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Config,
    Secret,
}

#[derive(Debug)]
pub struct Error {
    pub path: PathBuf,
    pub problem: Problem,
}

#[derive(Debug)]
pub enum Problem {
    /// Group or others may write it (or, for secrets, read it).
    Loose {
        mode: u32,
        secret: bool,
        dir: bool,
    },
    /// Owned by another user.
    Owner {
        uid: u32,
        dir: bool,
    },
    /// Not a regular file (a FIFO, a device, a directory).
    NotRegular,
    TooLarge {
        limit: u64,
    },
    Io {
        what: &'static str,
        source: std::io::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.path.display();
        match &self.problem {
            Problem::Loose { mode, secret, dir } => {
                let who = if *secret { "accessible by group or others" } else { "writable by group or others" };
                let what = if *dir { "directory" } else { "file" };
                write!(f, "the {what} {p} is {who} (mode {mode:03o}); refusing to use it")
            }
            Problem::Owner { uid, dir } => {
                let what = if *dir { "directory" } else { "file" };
                write!(f, "the {what} {p} is owned by another user (uid {uid}); refusing to use it")
            }
            Problem::NotRegular => write!(f, "{p} is not a regular file; refusing to read it"),
            Problem::TooLarge { limit } => write!(f, "{p} is larger than {limit} bytes; refusing to read it"),
            Problem::Io { what, source } => write!(f, "{what} {p}: {source}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub(crate) fn io(path: &Path, what: &'static str, source: std::io::Error) -> Self {
        Error { path: path.to_path_buf(), problem: Problem::Io { what, source } }
    }

    /// The shell command that fixes a refused file, when there is one.
    pub fn fix(&self) -> Option<String> {
        let p = self.path.display();
        match &self.problem {
            Problem::Loose { secret: true, dir: false, .. } => {
                Some(format!("if nobody else could have read it, run: chmod 600 {p}"))
            }
            Problem::Loose { dir: true, .. } => Some(format!("run: chmod 700 {p}")),
            Problem::Loose { .. } => Some(format!("run: chmod go-w {p}")),
            Problem::Owner { .. } => Some(format!("check who put {p} there; it must be yours (chown)")),
            Problem::NotRegular | Problem::TooLarge { .. } => Some(format!("move {p} away")),
            Problem::Io { .. } => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(&self.problem, Problem::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Creates `dir` (and parents) 0700, or checks an existing one: ours, not writable by others.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => check_meta(dir, &meta, Trust::Config, true),
        Ok(_) => Err(Error::io(
            dir,
            "using directory",
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        )),
        Err(_) => {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir).map_err(|e| Error::io(dir, "creating directory", e))
        }
    }
}

/// Checks an existing directory (missing is fine: nothing to trust yet).
pub fn check_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => check_meta(dir, &meta, Trust::Config, true),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn check_meta(path: &Path, meta: &fs::Metadata, trust: Trust, dir: bool) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(Error { path: path.into(), problem: Problem::Owner { uid: meta.uid(), dir } });
    }
    let mode = meta.mode() & 0o777;
    let forbidden = if trust == Trust::Secret { 0o077 } else { 0o022 };
    if mode & forbidden != 0 {
        return Err(Error { path: path.into(), problem: Problem::Loose { mode, secret: trust == Trust::Secret, dir } });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_meta(_: &Path, _: &fs::Metadata, _: Trust, _: bool) -> Result<()> {
    Ok(())
}

/// Reads a file the person named (a downloaded client file): only a regular file, size-capped,
/// and no ownership rules. `None` when it does not exist.
pub fn read_regular(path: &Path, limit: u64) -> Result<Option<Vec<u8>>> {
    read_checked(path, None, limit)
}

/// Reads a trusted file: `None` when it does not exist. The checks are made on the open file.
pub fn read_trusted(path: &Path, trust: Trust, limit: u64) -> Result<Option<Vec<u8>>> {
    read_checked(path, Some(trust), limit)
}

/// Opens a trusted file for reading in parts (the checks of [`read_trusted`]): the file and its
/// length, or `None` when it does not exist.
pub fn open_trusted(path: &Path, trust: Trust, limit: u64) -> Result<Option<(File, u64)>> {
    open_checked(path, Some(trust), limit)
}

fn open_checked(path: &Path, trust: Option<Trust>, limit: u64) -> Result<Option<(File, u64)>> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO would block the open itself; O_NONBLOCK does not change reads of regular files.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, "cannot open", e)),
    };
    let meta = file.metadata().map_err(|e| Error::io(path, "cannot inspect", e))?;
    if !meta.is_file() {
        return Err(Error { path: path.into(), problem: Problem::NotRegular });
    }
    if let Some(trust) = trust {
        check_meta(path, &meta, trust, false)?;
    }
    if meta.len() > limit {
        return Err(Error { path: path.into(), problem: Problem::TooLarge { limit } });
    }
    Ok(Some((file, meta.len())))
}

fn read_checked(path: &Path, trust: Option<Trust>, limit: u64) -> Result<Option<Vec<u8>>> {
    let Some((file, len)) = open_checked(path, trust, limit)? else { return Ok(None) };
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, "cannot read", e))?;
    if bytes.len() as u64 > limit {
        return Err(Error { path: path.into(), problem: Problem::TooLarge { limit } });
    }
    Ok(Some(bytes))
}

/// Writes `bytes` to `path` atomically, 0600, in a private directory. Temp files an earlier
/// killed write left beside it are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("a file path has a parent");
    ensure_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    remove_stale_temps(dir, name);
    let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
    let result = (|| {
        let mut f = open_new_private(&tmp)?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, "writing", e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, "syncing", e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io(path, "replacing", e))?;
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

/// Removes `.NAME.PID.N.tmp` files whose writer is gone (a kill during a write).
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(rest) = file.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".tmp")) else { continue };
        let Some(pid) = rest.split('.').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: signal 0 checks for existence only.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true
}

fn open_new_private(path: &Path) -> Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(|e| Error::io(path, "creating", e))
}

fn unique() -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("OS randomness");
    u64::from_le_bytes(b)
}

/// Exclusive lock on `path` (created 0600 if missing, never through a symlink), held until the
/// returned file is dropped.
pub fn lock(path: &Path) -> Result<File> {
    ensure_private_dir(path.parent().expect("lock path has a parent"))?;
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let f = opts.open(path).map_err(|e| Error::io(path, "opening lock", e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, "inspecting lock", e))?;
    if !meta.is_file() {
        return Err(Error { path: path.into(), problem: Problem::NotRegular });
    }
    check_meta(path, &meta, Trust::Config, false)?;
    f.lock().map_err(|e| Error::io(path, "locking", e))?;
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

/// The key a [`file_name_for`] name came from.
pub fn key_for_file_name(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = name.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_private_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("f.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(read_trusted(&p, Trust::Secret, 100).unwrap().unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_killed_writers_temp_file_is_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("credentials.json");
        // PID 0x7fffffff does not exist: its temp file is stale. Our own is not touched.
        let stale = dir.path().join(".credentials.json.2147483647.1.tmp");
        fs::write(&stale, "a whole store").unwrap();
        let other = dir.path().join(".other.json.2147483647.1.tmp");
        fs::write(&other, "x").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert!(!stale.exists(), "stale temp file removed");
        assert!(other.exists(), "temp files of other files are left alone");
    }

    #[cfg(unix)]
    #[test]
    fn loose_permissions_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, "x").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let e = read_trusted(&p, Trust::Secret, 100).unwrap_err();
        assert!(e.to_string().contains("644") && e.fix().unwrap().contains("chmod 600"), "{e}");
        assert!(read_trusted(&p, Trust::Config, 100).unwrap().is_some(), "a readable config file is fine");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o664)).unwrap();
        let e = read_trusted(&p, Trust::Config, 100).unwrap_err();
        assert!(e.to_string().contains("writable by group or others"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_big_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("providers.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_trusted(&fifo, Trust::Config, 100).unwrap_err().problem, Problem::NotRegular));
        let big = dir.path().join("big");
        fs::write(&big, vec![b'x'; 101]).unwrap();
        assert!(matches!(read_trusted(&big, Trust::Config, 100).unwrap_err().problem, Problem::TooLarge { .. }));
        assert!(read_trusted(&dir.path().join("absent"), Trust::Config, 100).unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_locks_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        fs::write(&target, "keep").unwrap();
        let link = dir.path().join("locks").join("a.lock");
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(lock(&link).is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");
    }

    #[cfg(unix)]
    #[test]
    fn a_group_writable_directory_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("cfg");
        ensure_private_dir(&d).unwrap();
        assert_eq!(fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
        fs::set_permissions(&d, fs::Permissions::from_mode(0o770)).unwrap();
        let e = ensure_private_dir(&d).unwrap_err();
        assert!(e.fix().unwrap().contains("chmod 700"), "{e}");
    }

    #[test]
    fn file_names_are_safe_and_reversible() {
        assert_eq!(file_name_for("gmail:me@x.test"), "gmail%3Ame@x.test");
        assert_eq!(file_name_for("a/../b"), "a%2F..%2Fb");
        for key in ["gmail:me@x.test", "a/../b", "slack:T1/U2 é"] {
            assert_eq!(key_for_file_name(&file_name_for(key)).as_deref(), Some(key));
        }
    }
}
