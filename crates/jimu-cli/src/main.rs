//! The `jimu` command: run the sync server, push and pull bundles to and from it, validate bundles, price quotes, evaluate forms, settle orders and simulate tickets from files.

mod form;
mod remote;
mod settle;
mod simulate;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use jimu_core::{Problem, QuoteOutcome, Stage};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "jimu",
    version,
    about = "Jimu (积木): rules for ticket flows, forms, pricing and settlement"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the built configurator.
    ///
    /// Stores every version of every bundle (SQLite in --data, or PostgreSQL with
    /// --database-url) and answers under /api (the description is at /api/openapi.json); every
    /// request but health, readiness and the description needs a token (`jimu token create`).
    #[command(
        verbatim_doc_comment,
        after_long_help = "\
Examples:
  jimu serve                                         # http://127.0.0.1:8080, SQLite in ./jimu-data
  jimu serve --addr 0.0.0.0:9000 --data /var/lib/jimu --cors https://portal.example.com
  jimu serve --database-url postgres://jimu:secret@db/jimu --log-format json"
    )]
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "JIMU_ADDR")]
        addr: SocketAddr,
        #[command(flatten)]
        store: StoreArgs,
        /// The built configurator (Trunk's dist/); defaults to ./dist when it exists.
        #[arg(long, env = "JIMU_DIST")]
        dist: Option<PathBuf>,
        /// A web origin (portal) that may call /api from a browser; repeat it, or `*` for any.
        #[arg(long = "cors", env = "JIMU_CORS", value_delimiter = ',')]
        cors: Vec<String>,
        /// Let anyone read bundles, their history and events without a token (writes always
        /// need one).
        #[arg(long, env = "JIMU_PUBLIC_READ")]
        public_read: bool,
        /// Logs on stderr as text, or as one JSON object per line (for log collectors).
        #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "JIMU_LOG_FORMAT")]
        log_format: LogFormat,
        #[command(flatten)]
        limits: ServeLimits,
    },
    /// Manage the server's API tokens directly in its store (the server may be running).
    #[command(
        subcommand,
        after_long_help = "\
Examples:
  jimu token create --role publisher --label \"$USER\" --data ./jimu-data   # prints the secret once
  jimu token list --data ./jimu-data
  jimu token revoke tok_3f9c… --data ./jimu-data"
    )]
    Token(TokenCommand),
    /// Check a bundle file and list every problem; exits 1 when there are errors.
    ///
    /// BUNDLE is a JSON object with `schema_version` (2; 1 is read and migrated) and
    /// `currency` (ISO 4217, e.g. "CNY"), and any of `name`, `rounding`, `time_zone`, `org`,
    /// `calendars`, `catalog`, `forms`, `flows`, `pricing`, `settlement` and the editor-only
    /// `editor`; `jimu schema` prints every field. `-` reads stdin. Every problem is reported at
    /// once, each with a stable code, a JSON pointer into the file, the line and column where
    /// known, and a message (and often a hint) in zh-CN and en.
    ///
    /// Exit code: 0 when the bundle is valid (warnings allowed), 1 when it has errors, 2 when
    /// the file cannot be read.
    ///
    /// Output (`--format`): text, each problem as `severity[code] FILE:LINE:COLUMN /pointer`
    /// with its message (and hint) indented under it, then the count; json, {"ok": bool,
    /// "problems": [{"code", "severity", "path", "message", "hint"?, "line"?, "column"?}]}.
    #[command(
        verbatim_doc_comment,
        after_long_help = "\
Examples:
  jimu validate tests/bundles/valid/flow-appliance-repair.json
  jimu validate tests/bundles/invalid/twenty-mistakes.json --format json --lang both
  jimu pull home-services -o - | jimu validate -"
    )]
    Validate {
        /// The bundle file (JSON), or `-` for stdin.
        bundle: PathBuf,
        /// What to write: text (for a person) or json (see above).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        lang: LangArg,
    },
    /// Price a quote request against a bundle: lines, adjustments, total and the trace.
    ///
    /// REQUEST is a JSON object:
    ///   {"lines": [{"item": "<catalog item id>", "quantity": "2"}, ...],
    ///    "context": {"region": "bj-chaoyang", "tier": "vip", "channel": "app",
    ///                "ticket_type": "...", "now": "<RFC 3339 with offset>",
    ///                "distance_km": "7", "duration_h": "1.5", "weight_kg": "12", "count": "3",
    ///                "region_path": ["bj", ...], "form": {<form values>}},
    ///    "usage": {"<tiered_fee rule or tier table id>": "<quantity used before>"}}
    /// `lines` is required; every context value is optional, but a rule that reads one the
    /// request leaves out is a `missing-context` problem. Quantities are decimal strings (or
    /// JSON numbers), at most 6 decimals. `usage` charges a tiered fee on top of a running
    /// total. `-` reads stdin.
    ///
    /// Exit code: 0 when priced, 1 when the bundle or the request has problems, 2 when a file
    /// cannot be read.
    ///
    /// Output (`--format`): text, each line as `quantity × list price = list amount → amount`,
    /// the adjustments, the total and every rule considered with its formula; json,
    /// {"status": "quoted", "quote": {"currency", "lines", "subtotal", "adjustments", "total",
    /// "trace"}} or {"status": "invalid", "stage": "bundle"|"request"|"quote", "problems"}.
    #[command(
        verbatim_doc_comment,
        after_long_help = "\
Examples:
  echo '{\"lines\": [{\"item\": \"ac-clean\", \"quantity\": \"3\"}],
        \"context\": {\"now\": \"2026-11-11T10:00:00+08:00\"}}' \\
    | jimu quote tests/bundles/valid/pricing-double-11.json -
  jimu quote tests/bundles/valid/pricing-call-out-distance.json request.json --format json"
    )]
    Quote {
        /// The bundle whose catalog and pricing rules price the request.
        bundle: PathBuf,
        /// The quote request (JSON, see above), or `-` for stdin.
        request: PathBuf,
        /// What to write: text (for a person) or json (see above).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        lang: LangArg,
    },
    /// Print the JSON Schema of the bundle format (every field, with its description).
    #[command(after_long_help = "\
Examples:
  jimu schema > bundle.schema.json      # for editors that complete and check JSON by schema")]
    Schema,
    Form(form::FormArgs),
    Settle(settle::SettleArgs),
    Simulate(simulate::SimulateArgs),
    Push(remote::PushArgs),
    Pull(remote::PullArgs),
    History(remote::HistoryArgs),
    Rollback(remote::RollbackArgs),
}

/// How many connections `jimu serve` keeps and for how long, and how much it holds in memory.
#[derive(clap::Args)]
struct ServeLimits {
    /// Open connections at most (event streams count). Past it, the connection idle the
    /// longest is closed to make room; when none is idle, a new one gets 503. Lowered to fit
    /// the open-files limit when that cannot be raised to hold it.
    #[arg(long, default_value_t = jimu_server::MAX_CONNECTIONS, env = "JIMU_MAX_CONNECTIONS",
          value_parser = at_least_one)]
    max_connections: usize,
    /// Seconds a client has to send a request's head (from connecting, or from the first
    /// byte of its next request).
    #[arg(long, value_name = "SECONDS", default_value = "10", env = "JIMU_HEADER_TIMEOUT",
          value_parser = seconds)]
    header_timeout: std::time::Duration,
    /// Seconds a kept-alive connection may wait for its next request, and a client may leave
    /// an answer unread, before the connection is closed.
    #[arg(long, value_name = "SECONDS", default_value = "60", env = "JIMU_IDLE_TIMEOUT",
          value_parser = seconds)]
    idle_timeout: std::time::Duration,
    /// How many missed versions a reconnecting event stream replays (`Last-Event-ID`); past
    /// it, the client gets one `resync` event telling it to re-read the newest versions.
    #[arg(long, value_name = "VERSIONS", default_value_t = jimu_server::limits::REPLAY_WINDOW,
          env = "JIMU_REPLAY_WINDOW")]
    replay_window: u64,
    /// MiB of bundles' newest contents kept in memory (SQLite; the least recently read go
    /// first). 0 reads every bundle from the database.
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 64,
        env = "JIMU_CONTENT_CACHE_MIB"
    )]
    content_cache_mib: usize,
}

/// A count of at least one.
fn at_least_one(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{text}` is not a whole number of at least 1"))
}

/// A positive number of seconds (`1.5` is one and a half).
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
        .map(std::time::Duration::from_secs_f64)
        .ok_or_else(|| format!("`{text}` is not a number of seconds between 0 and 86400"))
}

/// Where the server's store is: a data directory (SQLite) or a PostgreSQL URL.
#[derive(clap::Args)]
struct StoreArgs {
    /// Directory for the SQLite database (when no database URL is given).
    #[arg(long, default_value = "./jimu-data", env = "JIMU_DATA")]
    data: PathBuf,
    /// A PostgreSQL URL (`postgres://user:password@host/db`): use PostgreSQL instead of SQLite.
    #[arg(long, env = "JIMU_DATABASE_URL")]
    database_url: Option<String>,
}

impl StoreArgs {
    fn config(&self) -> jimu_server::StoreConfig {
        match &self.database_url {
            Some(url) => jimu_server::StoreConfig::Postgres(url.clone()),
            None => jimu_server::StoreConfig::SqliteDir(self.data.clone()),
        }
    }
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it alone on one line (it is shown only this once).
    Create {
        /// reader (deployments, portals), publisher (admins), or admin (manages tokens).
        #[arg(long)]
        role: jimu_server::Role,
        /// Who or what it is for; shown as the author of what it publishes.
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List tokens (never their secrets).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a token by its id (`tok_…`).
    Revoke {
        /// The token's id, as `jimu token list` shows it (`tok_…`; never the secret).
        id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(clap::Args)]
struct LangArg {
    /// Language of messages: zh-CN, en, both, or auto (from LC_ALL / LC_MESSAGES / LANG).
    #[arg(long = "lang", default_value = "auto")]
    lang: String,
}

/// Which languages a person reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
    Both,
}

impl LangArg {
    fn resolve(&self) -> anyhow::Result<Lang> {
        Ok(match self.lang.as_str() {
            "zh-CN" | "zh" => Lang::Zh,
            "en" => Lang::En,
            "both" => Lang::Both,
            "auto" => {
                let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .iter()
                    .filter_map(|k| std::env::var(k).ok())
                    .find(|v| !v.is_empty())
                    .unwrap_or_default();
                if env.starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                }
            }
            other => anyhow::bail!("unknown --lang `{other}`: use zh-CN, en, both or auto"),
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `jimu token …`: works on the store directly, as the `local` actor in the audit log.
fn token(command: TokenCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let local = jimu_server::Token::local();
        match command {
            TokenCommand::Create { role, label, store } => {
                let store = jimu_server::Store::open(&store.config()).await?;
                let (_, secret) = store.create_token(role, &label, &local).await?;
                println!("{secret}");
            }
            TokenCommand::List { store } => {
                let store = jimu_server::Store::open(&store.config()).await?;
                for token in store.tokens().await? {
                    let state = if token.revoked_at_ms.is_some() {
                        "revoked"
                    } else {
                        "live"
                    };
                    println!("{}\t{}\t{}\t{}", token.id, token.role, state, token.label);
                }
            }
            TokenCommand::Revoke { id, store } => {
                let store = jimu_server::Store::open(&store.config()).await?;
                match store.revoke_token(&id, &local).await? {
                    Some(_) => println!("{id} revoked"),
                    None => anyhow::bail!("no token `{id}`"),
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("jimu: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            addr,
            store,
            dist,
            cors,
            public_read,
            log_format,
            limits,
        } => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
            let logs = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr);
            match log_format {
                LogFormat::Text => logs.init(),
                LogFormat::Json => logs.json().init(),
            }
            let dist = dist.or_else(|| {
                let default = PathBuf::from("dist");
                default.join("index.html").is_file().then_some(default)
            });
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(jimu_server::serve(jimu_server::ServeOptions {
                dist,
                cors: jimu_server::Cors::from_list(&cors),
                public_read,
                connections: jimu_server::ConnectionLimits {
                    max_connections: limits.max_connections,
                    header_timeout: limits.header_timeout,
                    idle_timeout: limits.idle_timeout,
                },
                replay_window: limits.replay_window,
                content_cache_bytes: limits.content_cache_mib.saturating_mul(1024 * 1024),
                ..jimu_server::ServeOptions::new(addr, store.config())
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(command) => token(command),
        Command::Validate {
            bundle,
            format,
            lang,
        } => {
            let lang = lang.resolve()?;
            let problems = jimu_core::validate_bundle(&read(&bundle)?);
            match format {
                // An object like the other commands' answers (and the wasm package's `validate`).
                Format::Json => print_json(&serde_json::json!({
                    "ok": !problems.iter().any(Problem::is_error),
                    "problems": problems,
                }))?,
                Format::Text if problems.is_empty() => println!("{}: ok", bundle.display()),
                Format::Text => print_problems(&bundle, &problems, lang),
            }
            Ok(exit_for(!problems.iter().any(Problem::is_error)))
        }
        Command::Schema => {
            print_json(jimu_core::Bundle::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Quote {
            bundle,
            request,
            format,
            lang,
        } => {
            let lang = lang.resolve()?;
            let outcome = jimu_core::quote_documents(&read(&bundle)?, &read(&request)?);
            if format == Format::Json {
                print_json(&outcome)?;
            } else {
                match &outcome {
                    QuoteOutcome::Quoted { quote } => print_quote(quote, lang),
                    QuoteOutcome::Invalid { stage, problems } => {
                        let file = if *stage == Stage::Bundle {
                            &bundle
                        } else {
                            &request
                        };
                        print_problems(file, problems, lang);
                    }
                }
            }
            Ok(exit_for(matches!(outcome, QuoteOutcome::Quoted { .. })))
        }
        Command::Form(args) => form::run(args),
        Command::Settle(args) => settle::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Push(args) => remote::push(args),
        Command::Pull(args) => remote::pull(args),
        Command::History(args) => remote::history(args),
        Command::Rollback(args) => remote::rollback(args),
    }
}

fn exit_for(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A file's text, or standard input's for `-`. A leading byte-order mark is dropped here and in
/// `jimu_core::parse_json`, the same for every command.
fn read(path: &Path) -> anyhow::Result<String> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("cannot read standard input")?;
        text
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Each problem in the reader's language, located by file, JSON pointer and (when known)
/// line and column, or character range inside an expression.
fn print_problems(file: &Path, problems: &[Problem], lang: Lang) {
    print!(
        "{}",
        problems_text(&file.display().to_string(), problems, lang)
    );
}

/// A problem's message (and hint), indented under its heading line, in the languages asked for.
fn message_lines(
    out: &mut String,
    message: &jimu_core::Localized,
    hint: Option<&jimu_core::Localized>,
    lang: Lang,
) {
    use std::fmt::Write as _;
    if lang != Lang::Zh {
        let _ = writeln!(out, "    {}", message.en);
    }
    if lang != Lang::En {
        let _ = writeln!(out, "    {}", message.zh_cn);
    }
    if let Some(hint) = hint {
        let _ = match lang {
            Lang::En => writeln!(out, "    hint: {}", hint.en),
            Lang::Zh => writeln!(out, "    提示：{}", hint.zh_cn),
            Lang::Both => writeln!(out, "    hint: {} / 提示：{}", hint.en, hint.zh_cn),
        };
    }
}

/// What [`print_problems`] prints, for any stream.
fn problems_text(file: &str, problems: &[Problem], lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for p in problems {
        let path = if p.path.is_empty() { "/" } else { &p.path };
        let line = match (p.line, p.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            _ => String::new(),
        };
        let severity = if p.is_error() { "error" } else { "warning" };
        let range = match (p.start, p.end) {
            (Some(start), Some(end)) => format!(" [{start}..{end}]"),
            _ => String::new(),
        };
        let _ = writeln!(out, "{severity}[{}] {file}{line} {path}{range}", p.code);
        message_lines(&mut out, &p.message, p.hint.as_ref(), lang);
    }
    let n = problems.len();
    let _ = match lang {
        Lang::En => writeln!(out, "{n} problem(s)"),
        Lang::Zh => writeln!(out, "共 {n} 个问题"),
        Lang::Both => writeln!(out, "{n} problem(s) / 共 {n} 个问题"),
    };
    out
}

/// A text in the reader's language(s).
fn pick(text: &jimu_core::Localized, lang: Lang) -> String {
    match lang {
        Lang::Zh => text.zh_cn.clone(),
        Lang::En => text.en.clone(),
        Lang::Both if text.zh_cn == text.en => text.en.clone(),
        Lang::Both => format!("{} / {}", text.zh_cn, text.en),
    }
}

/// `标签：`, `Label: ` — a label before a value, in the reader's language(s).
fn label(zh: &str, en: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{zh}："),
        _ => format!("{}: ", heading(zh, en, lang)),
    }
}

/// A heading in the reader's language(s).
fn heading(zh: &str, en: &str, lang: Lang) -> String {
    pick(&jimu_core::Localized::new(zh, en), lang)
}

/// The quote as a person reads it: lines, adjustments, totals, then how each number came about.
fn print_quote(quote: &jimu_core::Quote, lang: Lang) {
    use jimu_core::Outcome;
    println!("{}", heading("明细", "Lines", lang));
    for (i, line) in quote.lines.iter().enumerate() {
        let added = line
            .added_by
            .as_ref()
            .map_or_else(String::new, |rule| format!("  [{rule}]"));
        // The arithmetic as it adds up: quantity × list price = list amount, then what the
        // rules made of it ("20 × 1.00 = 20.00 → 0.50 after rules"), never "20 × 1.00 = 0.50".
        let changed = if line.amount == line.list_amount {
            String::new()
        } else {
            format!(
                " → {} ({})",
                line.amount,
                heading("规则调整后", "after rules", lang)
            )
        };
        println!(
            "  #{i:<3}{}  {} × {} = {}{changed}{added}",
            pick(&line.name, lang),
            line.quantity,
            line.unit_price,
            line.list_amount
        );
    }
    println!(
        "{}: {} {}",
        heading("小计", "Subtotal", lang),
        quote.subtotal,
        quote.currency
    );
    for adjustment in &quote.adjustments {
        println!(
            "  {} [{}]  {}",
            pick(&adjustment.name, lang),
            adjustment.rule,
            adjustment.amount
        );
    }
    println!(
        "{}: {} {}",
        heading("合计", "Total", lang),
        quote.total,
        quote.currency
    );
    if quote.trace.is_empty() {
        return;
    }
    println!();
    println!("{}", heading("计算过程", "Trace", lang));
    for step in &quote.trace {
        let place = step.line.map_or_else(
            || heading("整单", "ticket", lang),
            |line| format!("#{line}"),
        );
        let outcome = match step.outcome {
            Outcome::Applied => heading("已应用", "applied", lang),
            Outcome::NotMatched => heading("未匹配", "not matched", lang),
            Outcome::NotChosen => heading("未选中", "not chosen", lang),
            Outcome::Skipped => heading("跳过", "skipped", lang),
        };
        print!("  {}/{} {place}: {outcome}", step.group, step.rule);
        if let (Some(before), Some(after)) = (step.before, step.after) {
            print!("  {before} → {after}");
        }
        if let Some(calc) = &step.calc {
            print!("  ({})", calc.formula());
        }
        if step.outcome != Outcome::Applied {
            print!(" — {}", pick(&step.why.message(), lang));
        }
        println!();
    }
}

#[cfg(test)]
mod help_tests {
    use super::Cli;
    use clap::CommandFactory as _;

    /// Every command and subcommand, with its path (`token create`).
    fn commands(command: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            let name = format!("{path} {}", sub.get_name()).trim().to_owned();
            out.push((name.clone(), sub.clone()));
            commands(sub, &name, out);
        }
    }

    /// Issue 21: every command's `--help` describes each argument and shows an example (with
    /// the shape of the files it reads, in the commands that read files).
    #[test]
    fn every_command_describes_its_arguments_and_shows_an_example() {
        let mut all = Vec::new();
        commands(&Cli::command(), "", &mut all);
        assert!(all.len() >= 15, "{}", all.len());
        let mut missing = Vec::new();
        for (name, mut command) in all {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                let described = arg
                    .get_help()
                    .or(arg.get_long_help())
                    .is_some_and(|h| !h.to_string().trim().is_empty());
                if !described {
                    missing.push(format!("{name}: argument `{id}` has no description"));
                }
            }
            // A subcommand (`token create`) may leave its examples to its parent's help.
            let mut help = command.render_long_help().to_string();
            if let Some((parent, _)) = name.split_once(' ') {
                help += &Cli::command()
                    .find_subcommand_mut(parent)
                    .map(|p| p.render_long_help().to_string())
                    .unwrap_or_default();
            }
            if !help.contains("Examples:") {
                missing.push(format!("{name}: --help shows no example"));
            }
        }
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    /// The commands that read files say what the files hold.
    #[test]
    fn file_reading_commands_describe_their_inputs() {
        let help = |name: &str| {
            Cli::command()
                .find_subcommand_mut(name)
                .unwrap()
                .render_long_help()
                .to_string()
        };
        for (command, shape) in [
            ("validate", "`schema_version`"),
            ("quote", r#"{"lines": [{"item""#),
            ("form", "field id → value"),
            ("settle", "`placed_at`"),
            ("simulate", r#""create": {"id""#),
        ] {
            let text = help(command);
            assert!(
                text.contains(shape),
                "jimu {command} --help lacks {shape}:\n{text}"
            );
            assert!(text.contains("Examples:\n  "), "{command}");
        }
    }
}
