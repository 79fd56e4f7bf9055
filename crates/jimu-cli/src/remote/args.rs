//! The command-line arguments of `jimu push`, `pull`, `history` and `rollback`, and the
//! server, token and language they share.

use super::EXIT_CODES;
use crate::{Format, LangArg};
use std::path::PathBuf;

/// Which sync server, as whom, and in which language to talk.
#[derive(clap::Args)]
pub struct ServerArgs {
    /// The sync server's base URL (`https://…` in production).
    #[arg(long, env = "JIMU_SERVER", default_value = "http://127.0.0.1:8080")]
    pub(super) server: String,
    /// An API token (`jimu token create`): a reader's for pull and history, a publisher's for
    /// push and rollback.
    #[arg(long, env = "JIMU_TOKEN", hide_env_values = true)]
    pub(super) token: Option<String>,
    #[command(flatten)]
    pub(super) lang: LangArg,
}

/// Publish a bundle file as the bundle's next version.
///
/// The file is validated first; with errors, every problem is printed and nothing is sent.
/// It is published under its own name (its `name` field; `--name` for a file without one).
/// The publish names the version the file was edited from, so it never overwrites someone
/// else's publish unseen: by default the one `jimu pull` (or the last push) recorded in
/// FILE.jimu-base; `--expect` names it (its ETag `sha256:…` or its version number), `--create`
/// makes a new bundle, `--force` publishes over the newest version whatever it is. When someone
/// else published first, nothing is stored, and the message says what to do: pull theirs,
/// merge, and push again with `--expect`.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Publish a bundle file to a sync server (refused when someone else published first)",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  export JIMU_SERVER=https://jimu.example.com JIMU_TOKEN=jimu_…   # a publisher's token\n  jimu push home-services.json -m \"VIP 9 折\"      # over the version it was pulled as\n  jimu push new.json --create                      # a new bundle\n  jimu push draft.json --name shop --create        # a file without a `name` field\n  jimu push home-services.json --expect 7          # edited from version 7\n\n", exit_codes!())
)]
pub struct PushArgs {
    /// The bundle file (JSON, as `jimu validate` reads it; `jimu schema` lists its fields).
    pub(super) file: PathBuf,
    /// The bundle's name on the server, for a file without a `name` field; with one, it is
    /// published under that name, and --name must be the same.
    #[arg(long)]
    pub(super) name: Option<String>,
    /// What changed, kept in the history.
    #[arg(long, short)]
    pub(super) message: Option<String>,
    /// The version FILE was edited from: an ETag (`sha256:…`) or a version number.
    #[arg(long, value_name = "ETAG|VERSION", conflicts_with_all = ["create", "force"])]
    pub(super) expect: Option<String>,
    /// Create a new bundle; refused when one of that name exists.
    #[arg(long, conflicts_with = "force")]
    pub(super) create: bool,
    /// Publish over the newest version, whatever it is (it stays in the history).
    #[arg(long)]
    pub(super) force: bool,
    /// text, or json: the stored version as the server describes it.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    #[command(flatten)]
    pub(super) server: ServerArgs,
}

/// Fetch a bundle (its newest version, or `--version N`) into a file.
///
/// The file gets the exact bytes that were published, written through a temporary file and
/// a rename (never half written), and FILE.jimu-base records the version for `jimu push`.
/// When FILE is already that version nothing is downloaded (`If-None-Match`). A FILE with
/// changes that were not pushed is never overwritten without `--force`.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Fetch a bundle from a sync server into a file, remembering its version for push",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu pull home-services                    # into home-services.json (+ .jimu-base)\n  jimu pull home-services --version 3 -o v3.json\n  jimu pull home-services -o - | jimu validate -\n\n", exit_codes!())
)]
pub struct PullArgs {
    /// The bundle's name.
    pub(super) name: String,
    /// A given version (default: the newest).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
    pub(super) version: Option<i64>,
    /// Where to write it (default: NAME.json); `-` writes to stdout.
    #[arg(long, short)]
    pub(super) output: Option<PathBuf>,
    /// Overwrite the file even when it has changes that were not pushed.
    #[arg(long)]
    pub(super) force: bool,
    #[command(flatten)]
    pub(super) server: ServerArgs,
}

/// List a bundle's versions, newest first: version, time (UTC), hash, author, message.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "List a bundle's versions on a sync server",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu history home-services\n  jimu history home-services --format json\n\n", exit_codes!())
)]
pub struct HistoryArgs {
    /// The bundle's name.
    pub(super) name: String,
    /// text (a table), or json: the server's answer, {"name", "archived", "versions": [...]}.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    #[command(flatten)]
    pub(super) server: ServerArgs,
}

/// Publish an earlier version's content as the bundle's next version (the history stays
/// whole).
///
/// The rollback names the newest version it replaces, so it is refused when someone publishes
/// in between.
#[derive(clap::Args)]
#[command(
    verbatim_doc_comment,
    about = "Publish an earlier version's content again as a bundle's newest version",
    after_help = EXIT_CODES,
    after_long_help = concat!("Examples:\n  jimu rollback home-services --to 3 -m \"the VIP rule double-counted\"\n\n", exit_codes!())
)]
pub struct RollbackArgs {
    /// The bundle's name.
    pub(super) name: String,
    /// The version whose content to publish again.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..))]
    pub(super) to: i64,
    /// What the rollback is for, kept in the history (default: "rollback to version N").
    #[arg(long, short)]
    pub(super) message: Option<String>,
    /// text, or json: the stored version as the server describes it.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    #[command(flatten)]
    pub(super) server: ServerArgs,
}
