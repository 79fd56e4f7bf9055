//! `FILE.jimu-base`, the version a bundle file was last pulled or pushed as, and writing
//! files whole (through a temporary file and a rename).

use super::fail::{Exit, Res, fail, say};
use crate::Lang;
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What a file was last pulled or pushed as: kept in `FILE.jimu-base`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Base {
    pub(super) server: String,
    pub(super) name: String,
    pub(super) version: i64,
    pub(super) etag: String,
}

/// `FILE.jimu-base`.
pub(super) fn base_path(file: &Path) -> PathBuf {
    let mut path = OsString::from(file.as_os_str());
    path.push(".jimu-base");
    PathBuf::from(path)
}

pub(super) fn read_base(file: &Path, lang: Lang) -> Res<Option<Base>> {
    let path = base_path(file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(fail(
                Exit::Usage,
                say(
                    lang,
                    format!("无法读取 {}：{err}", path.display()),
                    format!("cannot read {}: {err}", path.display()),
                ),
            ));
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|err| {
        fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "{} 已损坏（{err}）：删除它，再用 `jimu pull` 取回基准版本",
                    path.display()
                ),
                format!(
                    "{} is damaged ({err}): delete it and `jimu pull` the base version again",
                    path.display()
                ),
            ),
        )
    })
}

pub(super) fn write_base(file: &Path, base: &Base) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(base).map_err(std::io::Error::other)?;
    text.push('\n');
    write_atomically(&base_path(file), text.as_bytes())
}

/// Records the base after a publish or a pull; a failure there is a warning (what was done on
/// the server is done).
pub(super) fn record_base(file: &Path, base: &Base, lang: Lang) {
    if let Err(err) = write_base(file, base) {
        eprintln!(
            "jimu: {}",
            say(
                lang,
                format!(
                    "警告：无法写入 {}（{err}）；下次推送请用 --expect {}",
                    base_path(file).display(),
                    base.version
                ),
                format!(
                    "warning: cannot write {} ({err}); push next time with --expect {}",
                    base_path(file).display(),
                    base.version
                ),
            )
        );
    }
}

/// Replaces `path` with `bytes` all at once: a temporary file in the same directory, flushed to
/// disk, renamed over it (then the directory flushed). A reader sees the old file or the new
/// one, never a part; on failure the temporary file is removed and `path` is untouched.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Through a symbolic link, replace the file it points to, not the link.
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_owned(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let Some(file_name) = target.file_name() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ));
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut temp_name = OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".jimu-tmp-{}-{nanos}", std::process::id()));
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        if let Ok(meta) = std::fs::metadata(&target) {
            file.set_permissions(meta.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)?;
        sync_dir(&dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Flushes a directory's entries (the rename) to disk.
#[cfg(unix)]
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(super) fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}
