//! The `jimu` command: run the sync server, validate bundles and price quotes from files.

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
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "JIMU_ADDR")]
        addr: SocketAddr,
        /// Directory for the SQLite database.
        #[arg(long, default_value = "./jimu-data", env = "JIMU_DATA")]
        data: PathBuf,
        /// The built configurator (Trunk's dist/); defaults to ./dist when it exists.
        #[arg(long, env = "JIMU_DIST")]
        dist: Option<PathBuf>,
    },
    /// Check a bundle file and list every problem.
    Validate {
        bundle: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Price a quote request against a bundle.
    Quote {
        bundle: PathBuf,
        request: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
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
        Command::Serve { addr, data, dist } => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
                )
                .init();
            let dist = dist.or_else(|| {
                let default = PathBuf::from("dist");
                default.join("index.html").is_file().then_some(default)
            });
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(jimu_server::serve(jimu_server::ServeOptions {
                addr,
                data_dir: data,
                dist,
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { bundle, format } => {
            let problems = jimu_core::validate_bundle(&read(&bundle)?);
            match format {
                Format::Json => print_json(&problems)?,
                Format::Text if problems.is_empty() => println!("{}: ok", bundle.display()),
                Format::Text => print_problems(&bundle, &problems),
            }
            Ok(exit_for(problems.is_empty()))
        }
        Command::Quote {
            bundle,
            request,
            format,
        } => {
            let outcome = jimu_core::quote_documents(&read(&bundle)?, &read(&request)?);
            if format == Format::Json {
                print_json(&outcome)?;
            } else {
                match &outcome {
                    QuoteOutcome::Quoted { quote } => print_quote(quote),
                    QuoteOutcome::Invalid { stage, problems } => {
                        let file = if *stage == Stage::Bundle {
                            &bundle
                        } else {
                            &request
                        };
                        print_problems(file, problems);
                    }
                }
            }
            Ok(exit_for(matches!(outcome, QuoteOutcome::Quoted { .. })))
        }
    }
}

fn exit_for(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Each problem in both languages, located by file, JSON pointer and (when known) line.
fn print_problems(file: &Path, problems: &[Problem]) {
    for p in problems {
        let path = if p.path.is_empty() { "/" } else { &p.path };
        let line = match (p.line, p.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            _ => String::new(),
        };
        let severity = if p.is_error() { "error" } else { "warning" };
        println!("{severity}[{}] {}{line} {path}", p.code, file.display());
        println!("    {}", p.message.en);
        println!("    {}", p.message.zh_cn);
        if let Some(hint) = &p.hint {
            println!("    hint: {} / 提示：{}", hint.en, hint.zh_cn);
        }
    }
    println!("{} problem(s) / {} 个问题", problems.len(), problems.len());
}

fn print_quote(quote: &jimu_core::Quote) {
    let width = quote
        .lines
        .iter()
        .map(|l| l.name.en.len())
        .max()
        .unwrap_or(4)
        .max(4);
    for line in &quote.lines {
        println!(
            "{:<width$}  {:>10} × {:>12} = {:>14}   {}",
            line.name.en, line.quantity, line.unit_price, line.amount, line.name.zh_cn
        );
    }
    println!(
        "{:<width$}  {:>41} {}",
        "Total / 合计", quote.total, quote.currency
    );
}
