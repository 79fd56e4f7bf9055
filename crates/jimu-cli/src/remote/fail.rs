//! How a remote command fails: the kind of failure (its exit code), the message in the
//! reader's language, and how a command's result becomes its exit code.

use crate::Lang;
use std::process::ExitCode;

/// Which kind of failure: the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Exit {
    Invalid = 1,
    Usage = 2,
    Conflict = 3,
    Denied = 4,
    Unreachable = 5,
    NotFound = 6,
    Server = 7,
}

/// A failure as a person reads it (what went wrong, what to do), and its exit code.
#[derive(Debug)]
pub(super) struct Fail {
    pub(super) exit: Exit,
    pub(super) text: String,
}

pub(super) type Res<T> = Result<T, Fail>;

pub(super) fn fail(exit: Exit, text: String) -> Fail {
    Fail { exit, text }
}

/// A text in the reader's language(s): English first, then Chinese, for `both`.
pub(super) fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
        Lang::Both => format!("{en}\n{zh}"),
    }
}

/// Runs a command's body: a failure is printed on stderr and becomes its exit code.
pub(super) fn finish(result: Res<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("jimu: {}", failure.text);
            ExitCode::from(failure.exit as u8)
        }
    }
}
