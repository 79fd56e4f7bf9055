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
