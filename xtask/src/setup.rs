//! Installing the toolchain: each tool is checked first and installed only when missing or
//! at the wrong version. Only crates.io, npm and Debian's packages are used; nothing
//! downloads a prebuilt binary from anywhere else.

use crate::Ctx;
use anyhow::{Context as _, bail};
use std::path::Path;

/// The trunk release that builds on this toolchain (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The wasm package: the wasm target, wasm-bindgen and npm's binaryen.
    WasmBuild,
    /// The configurator too: trunk.
    App,
    /// Every test layer: Chromium as well.
    Everything,
}

pub fn all(ctx: &mut Ctx, need: Need) -> anyhow::Result<()> {
    ctx.stage("setup: rust components and wasm32 target", rust_parts)?;
    if need != Need::WasmBuild {
        ctx.stage("setup: trunk", trunk)?;
    }
    ctx.stage("setup: wasm-bindgen-cli", wasm_bindgen)?;
    ctx.stage("setup: node and npm packages", npm)?;
    if need == Need::Everything {
        ctx.stage("setup: chromium", chromium)?;
    }
    Ok(())
}

fn rust_parts(ctx: &mut Ctx) -> anyhow::Result<()> {
    // Once seen failing for no visible reason (a busy rustup lock?): try again before giving up.
    let installed = (0..3).find_map(|attempt| {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        ctx.cmd("rustup")
            .args(["target", "list", "--installed"])
            .read()
    });
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => {
            println!("{WASM_TARGET}: present")
        }
        Some(_) => ctx
            .cmd("rustup")
            .args(["target", "add", WASM_TARGET])
            .run()?,
        None => {
            let why = ctx
                .cmd("rustup")
                .args(["target", "list", "--installed"])
                .0
                .output()
                .map_or_else(
                    |err| err.to_string(),
                    |out| String::from_utf8_lossy(&out.stderr).into_owned(),
                );
            bail!("rustup is required (this project's machines get Rust through rustup): {why}")
        }
    }
    for (component, probe) in [("clippy", "clippy"), ("rustfmt", "fmt")] {
        if ctx.cargo([probe, "--version"]).read().is_some() {
            println!("{component}: present");
        } else {
            ctx.cmd("rustup")
                .args(["component", "add", component])
                .run()?;
        }
    }
    Ok(())
}

fn trunk(ctx: &mut Ctx) -> anyhow::Result<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    if ctx.cmd("trunk").arg("--version").read().as_deref() == Some(want.as_str()) {
        println!("{want}: present");
        return Ok(());
    }
    ctx.cargo([
        "install",
        "--locked",
        "--force",
        "trunk",
        "--version",
        TRUNK_VERSION,
    ])
    .run()
}

/// The wasm-bindgen version `Cargo.lock` pins: the CLI must match it exactly.
pub fn locked_wasm_bindgen(root: &Path) -> anyhow::Result<String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).context("cannot read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock does not pin wasm-bindgen")
}

fn wasm_bindgen(ctx: &mut Ctx) -> anyhow::Result<()> {
    let version = locked_wasm_bindgen(&ctx.root)?;
    let want = format!("wasm-bindgen {version}");
    let has = ctx.cmd("wasm-bindgen").arg("--version").read();
    let runner = ctx.cmd("wasm-bindgen-test-runner").arg("--version").read();
    if has.as_deref() == Some(want.as_str()) && runner.is_some() {
        println!("{want}: present");
        return Ok(());
    }
    // Not --locked: wasm-bindgen-cli's own lock file pins a crate the registry refuses.
    ctx.cargo([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &version,
    ])
    .run()
}

fn npm(ctx: &mut Ctx) -> anyhow::Result<()> {
    let node = ctx.cmd("node").arg("--version").read().unwrap_or_default();
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        bail!("Node.js 20 or newer is required (found `{node}`); machines of this kind ship it");
    }
    println!("node {node}: present");
    let web = ctx.root.join("web");
    let stamp = web.join("node_modules/.package-lock.json");
    let fresh = match (modified(&stamp), modified(&web.join("package-lock.json"))) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        println!("web/node_modules: up to date with package-lock.json");
        return Ok(());
    }
    ctx.cmd("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
        .dir(&web)
        .run()
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn chromium(ctx: &mut Ctx) -> anyhow::Result<()> {
    // A CJK font, or every screenshot of the Chinese UI shows boxes.
    if Path::new(CHROMIUM).exists()
        && Path::new(CHROMEDRIVER).exists()
        && Path::new(CJK_FONT).exists()
    {
        println!("{CHROMIUM}, {CHROMEDRIVER} and a CJK font: present");
        return Ok(());
    }
    let root = ctx.cmd("id").arg("-u").read().as_deref() == Some("0");
    let apt = |args: &[&str]| -> anyhow::Result<()> {
        let mut cmd = if root {
            ctx.cmd("apt-get")
        } else {
            ctx.cmd("sudo").arg("apt-get")
        };
        cmd = cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd.run()
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
        "fonts-wqy-microhei",
    ])
}

/// A PostgreSQL server of our own for the tests, on 127.0.0.1; stopped when dropped.
pub struct Postgres {
    pub url: String,
    pg_ctl: std::path::PathBuf,
    data: std::path::PathBuf,
    as_postgres_user: bool,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let mut stop = postgres_command(&self.pg_ctl, self.as_postgres_user);
        stop.arg("-D")
            .arg(&self.data)
            .args(["-m", "fast", "-w", "stop"])
            .stdout(std::process::Stdio::null());
        let _ = stop.status();
    }
}

/// A PostgreSQL program, run as the `postgres` user when we are root (PostgreSQL refuses to
/// run as root).
fn postgres_command(program: &Path, as_postgres_user: bool) -> std::process::Command {
    if as_postgres_user {
        let mut cmd = std::process::Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        std::process::Command::new(program)
    }
}

/// The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin).
fn postgres_bin() -> Option<std::path::PathBuf> {
    let mut versions: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Installs PostgreSQL from Debian when missing, then starts a throwaway server (trust
/// authentication, no fsync: test data only) on a free loopback port.
pub fn postgres(ctx: &mut Ctx) -> anyhow::Result<Postgres> {
    let bin = match postgres_bin() {
        Some(bin) => {
            println!("PostgreSQL: {}", bin.display());
            bin
        }
        None => {
            let root = ctx.cmd("id").arg("-u").read().as_deref() == Some("0");
            let apt = |args: &[&str]| -> anyhow::Result<()> {
                let cmd = if root {
                    ctx.cmd("apt-get")
                } else {
                    ctx.cmd("sudo").arg("apt-get")
                };
                cmd.args(args)
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .run()
            };
            apt(&["update"])?;
            apt(&["install", "-y", "--no-install-recommends", "postgresql"])?;
            postgres_bin().context("PostgreSQL was installed but no postgres binary was found")?
        }
    };
    let as_postgres_user = ctx.cmd("id").arg("-u").read().as_deref() == Some("0");
    // Root's home is closed to the postgres user, so the cluster lives under /tmp.
    let data = std::env::temp_dir().join("jimu-test-postgres");
    let pg_ctl = bin.join("pg_ctl");
    if data.join("PG_VERSION").exists() {
        // A server left running by an interrupted run: stop it before starting afresh.
        let _ = postgres_command(&pg_ctl, as_postgres_user)
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .status();
    }
    if data.exists() {
        std::fs::remove_dir_all(&data)
            .with_context(|| format!("cannot remove {}", data.display()))?;
    }
    std::fs::create_dir_all(&data)?;
    if as_postgres_user {
        ctx.cmd("chown").arg("postgres:postgres").arg(&data).run()?;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let run = |program: &str, args: &[&str]| -> anyhow::Result<()> {
        let mut cmd = postgres_command(&bin.join(program), as_postgres_user);
        cmd.args(args);
        println!("$ {program} {}", args.join(" "));
        let status = cmd
            .status()
            .with_context(|| format!("cannot start {program}"))?;
        if !status.success() {
            bail!("{program} failed with {status}");
        }
        Ok(())
    };
    let data_arg = data.to_string_lossy().into_owned();
    run(
        "initdb",
        &[
            "-D",
            &data_arg,
            "-U",
            "jimu",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
    )?;
    let options = format!(
        "-c listen_addresses=127.0.0.1 -p {port} -k {data_arg} -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    );
    let log = data.join("server.log").to_string_lossy().into_owned();
    let server = Postgres {
        url: format!("postgres://jimu@127.0.0.1:{port}/postgres"),
        pg_ctl,
        data: data.clone(),
        as_postgres_user,
    };
    if let Err(err) = run(
        "pg_ctl",
        &["-D", &data_arg, "-l", &log, "-o", &options, "-w", "start"],
    ) {
        let log = std::fs::read_to_string(data.join("server.log")).unwrap_or_default();
        bail!("{err}\n{log}");
    }
    println!("PostgreSQL for the tests: {}", server.url);
    Ok(server)
}
