//! Atomic file writes: the bytes go to a temporary file in the target's
//! folder, which is synced to disk and then renamed over the target.
//!
//! A reader of the target sees the old file or the new one, never a
//! half-written one, and a crash or an error leaves the old file in place:
//! a saved model, a duplicate index or the `label` command's output file
//! is whole or absent. The temporary file sits in the same folder so that
//! the rename stays on one file system (a rename across file systems is a
//! copy, not atomic); its name, [`temp_path`], starts with a dot and ends
//! with the process id, so two processes writing the same target do not
//! share one.
//!
//! [`write_atomic`] writes bytes already in memory; [`AtomicFile`] streams
//! them, for output too large to hold.
//!
//! ```
//! use std::io::Write;
//! use comment_sieve::atomic::{write_atomic, AtomicFile};
//!
//! let dir = std::env::temp_dir().join(format!("atomic-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("out.txt");
//! write_atomic(&path, b"first")?;
//! let mut f = AtomicFile::create(&path)?;
//! f.write_all(b"second")?;
//! // Until the commit, the target keeps its old bytes.
//! assert_eq!(std::fs::read(&path)?, b"first");
//! f.commit()?;
//! assert_eq!(std::fs::read(&path)?, b"second");
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The temporary file an atomic write of `path` goes through:
/// `.{name}.{pid}.tmp` in `path`'s folder. A caller that must remove it
/// on a signal (the `label` command on SIGINT and SIGTERM) can learn its
/// name before [`AtomicFile::create`] makes it.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder(path).join(format!(".{name}.{}.tmp", std::process::id()))
}

/// The folder `path` is in (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` atomically: to [`temp_path`], synced, then
/// renamed over `path`. On an error (which names `path`) the temporary
/// file is removed and `path` is unchanged.
pub fn write_atomic(path: impl AsRef<Path>, bytes: &[u8]) -> Result<()> {
    let path = path.as_ref();
    let named = |e: Error| match e {
        Error::Io { source, .. } => Error::io(path, source),
        e => e,
    };
    let mut f = AtomicFile::create(path).map_err(named)?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.commit().map_err(named)
}

/// A file being written atomically: buffered writes to [`temp_path`],
/// which [`commit`](Self::commit) syncs and renames over the target.
/// Dropped without a commit (an error, a discarded run), it removes the
/// temporary file and leaves the target as it was.
#[derive(Debug)]
pub struct AtomicFile {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl AtomicFile {
    /// Creates the temporary file for `path` (replacing a stale one of
    /// the same name). The error names the temporary file.
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile> {
        let path = path.as_ref();
        let tmp = temp_path(path);
        let f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        Ok(AtomicFile {
            out: BufWriter::with_capacity(1 << 16, f),
            tmp,
            path: path.to_path_buf(),
            committed: false,
        })
    }

    /// The temporary file written to.
    pub fn temp(&self) -> &Path {
        &self.tmp
    }

    /// The target it replaces on [`commit`](Self::commit).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and syncs the temporary file, renames it over the target
    /// and syncs the folder, so the new file survives a crash once this
    /// returns. The error names the target; the temporary file is then
    /// removed.
    pub fn commit(mut self) -> Result<()> {
        self.finish().map_err(|e| Error::io(&self.path, e))
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        sync_folder(folder(&self.path))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Syncs a folder, so that a rename in it is on disk (on Unix a rename is
/// an update of the folder; elsewhere there is no such call).
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// A committed file replaces the target and leaves no temporary file.
    #[test]
    fn commit_replaces_the_target() {
        let dir = scratch("commit");
        let path = dir.join("model.csm");
        write_atomic(&path, b"old").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        assert_eq!(f.temp(), temp_path(&path));
        assert!(f.temp().exists());
        f.write_all(b"new bytes").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new bytes");
        assert_eq!(names(&dir), ["model.csm"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Dropped without a commit, the file leaves the target untouched and
    /// no temporary file behind.
    #[test]
    fn a_dropped_file_leaves_the_target() {
        let dir = scratch("drop");
        let path = dir.join("out.jsonl");
        write_atomic(&path, b"kept").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"kept");
        assert_eq!(names(&dir), ["out.jsonl"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A write that cannot happen names the target and leaves nothing.
    #[test]
    fn a_failed_write_names_the_target() {
        let dir = scratch("fail");
        let path = dir.join("missing").join("model.csm");
        match write_atomic(&path, b"x") {
            Err(Error::Io { path: p, .. }) => assert_eq!(p, path),
            other => panic!("{other:?}"),
        }
        // Renaming a file over a folder fails at the commit.
        let target = dir.join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), b"").unwrap();
        match write_atomic(&target, b"x") {
            Err(Error::Io { path: p, .. }) => assert_eq!(p, target),
            other => panic!("{other:?}"),
        }
        assert_eq!(names(&dir), ["taken"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
