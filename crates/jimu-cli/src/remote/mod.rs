//! `jimu push`, `pull`, `history` and `rollback`: the command line as a client of a sync server's API (`/api/bundles/…`), over HTTP or HTTPS.
//!
//! Publishing is safe by default, as with `git push`: a push says which version the file was
//! edited from (`If-Match`), so it never overwrites someone else's publish unseen. That version
//! is the file's *base*: `pull` and `push` keep it in a sidecar beside the file,
//! `FILE.jimu-base` (`{"server", "name", "version", "etag"}`). `--expect` names it instead,
//! `--create` makes a new bundle (`If-None-Match: *`) and `--force` publishes over whatever is
//! newest, on purpose. `pull` writes through a temporary file and a rename, so a file is never
//! half written, and refuses to overwrite changes that were not pushed.
//!
//! The parts: `args` (the command lines), `client` (HTTP and the server's answers), `base`
//! (`FILE.jimu-base` and whole-file writes), `fail` (exit codes and messages), `output` (how
//! things are shown), one module per command, and `tests`.

use crate::Lang;
use fail::{Exit, Res, fail, say};

/// What `--help` says of the exit codes of every command in this module (a macro, so each
/// command's examples can be put before it with `concat!`).
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  done, or nothing to do (already up to date)
  1  the bundle is invalid (found locally, or by the server): every problem is printed
  2  usage or local error: bad arguments or server URL, a file that cannot be read or
     written, no base version to push from, a --name other than the bundle's own name
     (or no --name for a bundle without one)
  3  conflict: someone else published first (412), the bundle exists already (--create),
     it is archived, or pull would overwrite changes that were not pushed
  4  not allowed: no token, an unknown or revoked one (401), or a role too low (403)
  5  the server cannot be reached (refused, unknown host, TLS, timeout)
  6  not found: no such bundle or version
  7  the server failed or answered something unexpected"
    };
}
const EXIT_CODES: &str = exit_codes!();

mod args;
mod base;
mod client;
mod fail;
mod history;
mod output;
mod pull;
mod push;
mod rollback;
#[cfg(test)]
mod tests;

pub use args::{HistoryArgs, PullArgs, PushArgs, RollbackArgs};
pub use history::history;
pub use pull::pull;
pub use push::push;
pub use rollback::rollback;

/// Bundle names as the server takes them: 1–64 of `a-z 0-9 - _`, starting with a letter or
/// digit. Checked here so a bad name is a clear local error, never a strange URL.
fn check_name(name: &str, lang: Lang) -> Res<()> {
    if jimu_core::limits::valid_bundle_name(name) {
        Ok(())
    } else {
        Err(fail(
            Exit::Usage,
            say(
                lang,
                format!(
                    "`{name}` 不是合法的方案名：用 1–64 个小写字母、数字、`-` 或 `_`，以字母或数字开头（push 用方案文件里的 name，文件没有 name 时用 --name）"
                ),
                format!(
                    "`{name}` is not a bundle name: use 1–64 lowercase letters, digits, `-` or `_`, starting with a letter or digit (push uses the bundle's `name`, or --name for a file without one)"
                ),
            ),
        ))
    }
}

/// Whether two server URLs name the same server (a trailing `/` and letter case aside).
fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}
