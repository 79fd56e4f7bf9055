//! Jimu's build system: installs what is missing, builds every host and runs every test.
//!
//! `cargo xtask setup` installs the toolchain, `cargo xtask test` runs every test layer,
//! `cargo xtask serve` builds the configurator and starts the server. Every install is
//! idempotent (a tool at the right version is skipped) and every stage prints its time.

mod setup;
mod stages;
mod tz;

use anyhow::{Context as _, bail};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup              install whatever is missing (wasm target, trunk, wasm-bindgen, npm packages, Chromium)
  test               setup, then every test: fmt, clippy, native, wasm32, wasm package, app build, end-to-end
  serve [ARGS…]      setup, build the configurator and serve it with the embedded SQLite store
                     (ARGS go to `jimu serve`, e.g. --addr 127.0.0.1:9000 --data ./jimu-data;
                     the address is checked before anything is built)
  wasm-pkg           build the portal package into web/pkg
  bless              rewrite the corpus's expected outputs and schema/bundle.schema.json from the code
  tz-tables --upstream PATH
                     rewrite vendor/chrono-tz's compact zone tables from upstream chrono-tz's
                     src/prebuilt/timezones.rs (checked to decode to exactly upstream's spans)
";

fn main() {
    if let Err(err) = run() {
        eprintln!("\nxtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let mut ctx = Ctx::new()?;
    match command.as_str() {
        "setup" => setup::all(&mut ctx, setup::Need::Everything),
        "test" => stages::test(&mut ctx),
        "serve" => stages::serve(&mut ctx, &rest),
        "wasm-pkg" => {
            setup::all(&mut ctx, setup::Need::WasmBuild)?;
            stages::wasm_pkg(&mut ctx)
        }
        "bless" => ctx.stage("bless conformance corpus and schema", |ctx| {
            ctx.cargo([
                "test",
                "-p",
                "jimu-core",
                "--test",
                "conformance",
                "--test",
                "schema",
            ])
            .env("JIMU_BLESS", "1")
            .run()
        }),
        "tz-tables" => tz::tables(&ctx, &rest),
        "" | "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Where things are, and the timings of the stages run so far.
pub struct Ctx {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// PATH for child processes: cargo's bin dir and web/node_modules/.bin first.
    pub path: std::ffi::OsString,
    pub timings: Vec<(String, Duration)>,
}

impl Ctx {
    fn new() -> anyhow::Result<Self> {
        // `cargo run` (the `cargo xtask` alias) says at run time which checkout's xtask this is.
        // The path built in at compile time can be another checkout's when several share one
        // target directory (a binary built there looks fresh here), so it is only the fallback.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest_dir
            .parent()
            .context("xtask has no parent directory")?
            .to_path_buf();
        let mut dirs = vec![cargo_home().join("bin"), root.join("web/node_modules/.bin")];
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        let path = std::env::join_paths(dirs)?;
        let target_dir = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => root.join("target"),
        };
        Ok(Self {
            root,
            target_dir,
            path,
            timings: Vec::new(),
        })
    }

    /// Runs one named stage, printing its time, and records it for the summary.
    pub fn stage<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut Self) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = f(self);
        let elapsed = start.elapsed();
        let verdict = if result.is_ok() { "ok" } else { "FAILED" };
        println!("==> {name}: {verdict} in {}", fmt_duration(elapsed));
        self.timings.push((name.to_owned(), elapsed));
        result.with_context(|| format!("stage `{name}` failed"))
    }

    pub fn print_timings(&self) {
        println!("\nstage timings:");
        let mut total = Duration::ZERO;
        for (name, elapsed) in &self.timings {
            println!("  {:>8}  {name}", fmt_duration(*elapsed));
            total += *elapsed;
        }
        println!("  {:>8}  total", fmt_duration(total));
    }

    /// A command run from the repository root with our PATH.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Cmd {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        Cmd(command)
    }

    pub fn cargo<I, S>(&self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.cmd(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.0.args(args);
        cmd
    }
}

/// A child process that must succeed.
pub struct Cmd(pub Command);

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.0.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.0.args(args);
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.0.current_dir(dir);
        self
    }

    fn describe(&self) -> String {
        let mut line = self.0.get_program().to_string_lossy().into_owned();
        for arg in self.0.get_args() {
            line.push(' ');
            line.push_str(&arg.to_string_lossy());
        }
        line
    }

    /// Runs with inherited output; fails unless the exit status is 0.
    pub fn run(mut self) -> anyhow::Result<()> {
        let line = self.describe();
        println!("$ {line}");
        let status = self
            .0
            .status()
            .with_context(|| format!("cannot start `{line}`"))?;
        if !status.success() {
            bail!("`{line}` failed with {status}");
        }
        Ok(())
    }

    /// Runs quietly and returns stdout, or `None` when the program is missing or fails.
    pub fn read(mut self) -> Option<String> {
        let output = self.0.output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }
}

fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo")
}

pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
