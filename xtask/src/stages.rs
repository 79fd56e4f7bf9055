//! The build and test stages, in the order `cargo xtask test` runs them.

use crate::setup::{self, CHROMEDRIVER, CHROMIUM, Need};
use crate::{Ctx, fmt_duration};
use anyhow::{Context as _, bail};
use std::io::Read as _;
use std::path::PathBuf;

/// Every test layer, cheapest first, so a formatting slip fails in seconds.
pub fn test(ctx: &mut Ctx) -> anyhow::Result<()> {
    let result = test_inner(ctx);
    ctx.print_timings();
    result
}

fn test_inner(ctx: &mut Ctx) -> anyhow::Result<()> {
    setup::all(ctx, Need::Everything)?;
    ctx.stage("fetch crates", |ctx| ctx.cargo(["fetch", "--locked"]).run())?;
    ctx.stage("rustfmt --check", |ctx| {
        ctx.cargo(["fmt", "--all", "--check"]).run()
    })?;
    ctx.stage("clippy -D warnings", |ctx| {
        ctx.cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ])
        .run()
    })?;
    // The sync server's tests run on SQLite and on this PostgreSQL; stopped when dropped.
    let postgres = ctx.stage("setup: postgres", setup::postgres)?;
    ctx.stage("native tests", |ctx| {
        ctx.cargo(["test", "--workspace", "--locked"])
            .env("JIMU_TEST_POSTGRES_URL", &postgres.url)
            .env("JIMU_TEST_REQUIRE_POSTGRES", "1")
            .run()
    })?;
    drop(postgres);
    ctx.stage("jimu-core on wasm32 (wasm-bindgen-test, Node)", |ctx| {
        ctx.cargo([
            "test",
            "-p",
            "jimu-core",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "wasm",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .run()
    })?;
    wasm_pkg(ctx)?;
    ctx.stage("wasm package under Node (conformance corpus)", |ctx| {
        ctx.cmd("node")
            .arg("--test")
            .args(test_files(ctx, "tests/runners")?)
            .run()
    })?;
    ctx.stage("package declarations under tsc --strict", |ctx| {
        ctx.cmd(ctx.root.join("web/node_modules/.bin/tsc"))
            .arg("-p")
            .arg(ctx.root.join("tests/runners/ts"))
            .run()
    })?;
    build_app(ctx)?;
    let jimu = ctx.stage("build jimu (debug)", |ctx| {
        ctx.cargo(["build", "-p", "jimu-cli", "--locked"]).run()?;
        Ok(ctx.target_dir.join("debug/jimu"))
    })?;
    ctx.stage("end-to-end in headless Chromium", |ctx| {
        let shots = ctx.root.join("target/e2e");
        std::fs::create_dir_all(&shots)?;
        ctx.cmd("node")
            .arg("--test")
            .args(test_files(ctx, "web/e2e")?)
            .env("JIMU_BIN", &jimu)
            .env("JIMU_DIST", ctx.root.join("dist"))
            .env("JIMU_CHROMIUM", CHROMIUM)
            .env("JIMU_SCREENSHOTS", &shots)
            .run()?;
        println!("screenshots: {}", shots.display());
        Ok(())
    })?;
    Ok(())
}

/// The `*.test.mjs` files of a folder, sorted (Node 20's `--test` takes files, not folders).
fn test_files(ctx: &Ctx, dir: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(ctx.root.join(dir))
        .with_context(|| format!("cannot list {dir}"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no *.test.mjs files in {dir}");
    }
    Ok(files)
}

/// The portal package: jimu-wasm built small, bound as an ES module with `.d.ts`, optimized.
pub fn wasm_pkg(ctx: &mut Ctx) -> anyhow::Result<()> {
    ctx.stage("wasm package (jimu-wasm → web/pkg)", |ctx| {
        // `cargo rustc --crate-type cdylib`, not `cargo build`: jimu-wasm is also an rlib, and
        // cargo applies no LTO to a crate whose crate types are not all linkable, so a plain
        // build would ship without the `wasm-release` profile's LTO (about 32 KB more gzipped).
        ctx.cargo([
            "rustc",
            "-p",
            "jimu-wasm",
            "--lib",
            "--crate-type",
            "cdylib",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .run()?;
        let wasm = ctx
            .target_dir
            .join("wasm32-unknown-unknown/wasm-release/jimu_wasm.wasm");
        let out = ctx.root.join("web/pkg");
        if out.exists() {
            std::fs::remove_dir_all(&out)?;
        }
        // Three builds of one wasm: the web ES module at the top (other code imports
        // web/pkg/jimu.js), a bundler build and a Node ES module.
        let builds = [
            ("web", out.clone()),
            ("bundler", out.join("bundler")),
            ("experimental-nodejs-module", out.join("node")),
        ];
        for (target, dir) in &builds {
            ctx.cmd("wasm-bindgen")
                .args(["--target", target, "--out-name", "jimu", "--out-dir"])
                .arg(dir)
                .arg(&wasm)
                .run()?;
        }
        let bound = out.join("jimu_bg.wasm");
        // wasm-bindgen writes the same wasm for every target (only the JS glue differs), so it
        // is optimized once and copied; checked, in case a future wasm-bindgen differs.
        let unoptimized = std::fs::read(&bound)?;
        for (target, dir) in &builds[1..] {
            if std::fs::read(dir.join("jimu_bg.wasm"))? != unoptimized {
                bail!("wasm-bindgen wrote a different wasm for --target {target}");
            }
        }
        ctx.cmd("wasm-opt")
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
                "-o",
            ])
            .arg(&bound)
            .arg(&bound)
            .run()?;
        for (_, dir) in &builds[1..] {
            std::fs::copy(&bound, dir.join("jimu_bg.wasm"))?;
        }
        npm_package(ctx, &out)?;
        let raw = std::fs::metadata(&bound)?.len();
        let gzipped = gzipped_len(&bound)?;
        println!(
            "web/pkg/jimu_bg.wasm: {raw} bytes ({} KiB), {gzipped} bytes gzipped ({} KiB)",
            raw / 1024,
            gzipped / 1024
        );
        check_wasm_budget(gzipped)
    })
}

/// The portal package's size budget (issue 8): the wasm after wasm-opt, gzipped with
/// `gzip -9`, at most 600 KB, counted as 600 * 1000 bytes (not KiB).
const WASM_GZIP_BUDGET_BYTES: u64 = 600 * 1000;

/// Fails when the package is over [`WASM_GZIP_BUDGET_BYTES`] (so `cargo xtask wasm-pkg` and
/// `cargo xtask test` fail), saying by how much; "WASM package size" in BENCHMARKS.md says where
/// the bytes are.
fn check_wasm_budget(gzipped: u64) -> anyhow::Result<()> {
    let budget = WASM_GZIP_BUDGET_BYTES;
    if gzipped > budget {
        bail!(
            "web/pkg/jimu_bg.wasm is {gzipped} bytes gzipped ({:.1} KB), over the budget of {budget} bytes (600 KB = 600 * 1000 bytes, gzip -9 after wasm-opt) by {} bytes; see \"WASM package size\" in BENCHMARKS.md",
            gzipped as f64 / 1000.0,
            gzipped - budget
        );
    }
    println!(
        "size budget: {gzipped} bytes gzipped is within {budget} bytes (600 KB = 600 * 1000 bytes), {} bytes to spare",
        budget - gzipped
    );
    Ok(())
}

/// The package around the builds: package.json (its version the crate's) and README.md from
/// crates/jimu-wasm/npm. The web build's raw wasm exports (`InitOutput`) are typed `unknown`
/// rather than wasm-bindgen's `any`, so no exported declaration says `any`.
fn npm_package(ctx: &Ctx, out: &std::path::Path) -> anyhow::Result<()> {
    let npm = ctx.root.join("crates/jimu-wasm/npm");
    let manifest = std::fs::read_to_string(npm.join("package.json"))?
        .replace("{{version}}", env!("CARGO_PKG_VERSION"));
    std::fs::write(out.join("package.json"), manifest)?;
    std::fs::copy(npm.join("README.md"), out.join("README.md"))?;
    // The Node build's own `{"type": "module"}` says what the package's package.json says.
    let nested = out.join("node/package.json");
    if nested.exists() {
        std::fs::remove_file(nested)?;
    }
    let dts = out.join("jimu.d.ts");
    let text = std::fs::read_to_string(&dts)?;
    let typed: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("    readonly ") && line.contains("=>") {
                line.replace(": any", ": unknown")
            } else {
                line.to_owned()
            }
        })
        .collect();
    std::fs::write(&dts, typed.join("\n") + "\n")?;
    Ok(())
}

/// `gzip -9` size, measured by the system gzip (present on every Debian machine).
fn gzipped_len(path: &std::path::Path) -> anyhow::Result<u64> {
    let mut child = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot run gzip")?;
    let mut bytes = Vec::new();
    child
        .stdout
        .take()
        .context("no gzip output")?
        .read_to_end(&mut bytes)?;
    child.wait()?;
    Ok(bytes.len() as u64)
}

/// The configurator, built by Trunk into dist/, within its size budget.
fn build_app(ctx: &mut Ctx) -> anyhow::Result<()> {
    ctx.stage("configurator (trunk build --release)", |ctx| {
        ctx.cmd("trunk")
            .args(["build", "--release=true", "--offline"])
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .run()?;
        let mut sizes = Vec::new();
        for entry in std::fs::read_dir(ctx.root.join("dist"))? {
            let path = entry?.path();
            let shipped = path
                .extension()
                .is_some_and(|e| e == "wasm" || e == "js" || e == "css");
            if shipped {
                sizes.push((path.clone(), gzipped_len(&path)?));
            }
        }
        for (path, size) in &sizes {
            println!("{}: {size} bytes gzipped", path.display());
        }
        check_app_budget(sizes.iter().map(|(_, s)| s).sum())
    })
}

/// The configurator's size budget: its wasm, JavaScript and CSS, each gzipped with `gzip -9`,
/// at most 1.5 MB together, counted as 1,500 * 1000 bytes.
const APP_GZIP_BUDGET_BYTES: u64 = 1_500 * 1000;

fn check_app_budget(gzipped: u64) -> anyhow::Result<()> {
    let budget = APP_GZIP_BUDGET_BYTES;
    if gzipped > budget {
        bail!(
            "the configurator is {gzipped} bytes gzipped, over its budget of {budget} bytes (1.5 MB, gzip -9 of the wasm, JavaScript and CSS Trunk writes) by {} bytes",
            gzipped - budget
        );
    }
    println!(
        "configurator size budget: {gzipped} bytes gzipped is within {budget} bytes, {} bytes to spare",
        budget - gzipped
    );
    Ok(())
}

/// Builds everything `jimu serve` needs, then runs it in the foreground. The address is
/// checked first, so a taken port fails at once, not after minutes of building.
pub fn serve(ctx: &mut Ctx, args: &[String]) -> anyhow::Result<()> {
    check_addr(&serve_addr(args, std::env::var("JIMU_ADDR").ok()))?;
    setup::all(ctx, Need::App)?;
    build_app(ctx)?;
    ctx.stage("build jimu (release)", |ctx| {
        ctx.cargo(["build", "--release", "-p", "jimu-cli", "--locked"])
            .run()
    })?;
    let jimu: PathBuf = ctx.target_dir.join("release/jimu");
    let total: std::time::Duration = ctx.timings.iter().map(|(_, d)| *d).sum();
    println!(
        "\nbuilt in {}; starting the server (Ctrl-C stops it)",
        fmt_duration(total)
    );
    let mut cmd = ctx
        .cmd(&jimu)
        .arg("serve")
        .arg("--dist")
        .arg(ctx.root.join("dist"));
    if !args.iter().any(|a| a == "--data") {
        cmd = cmd.arg("--data").arg(ctx.root.join("jimu-data"));
    }
    let status = cmd.args(args).0.status().context("cannot start jimu")?;
    if !status.success() {
        bail!("jimu serve exited with {status}");
    }
    Ok(())
}

/// The address `jimu serve` is to listen on: `--addr` among its arguments, else `JIMU_ADDR`,
/// else its default.
fn serve_addr(args: &[String], env: Option<String>) -> String {
    let mut addr = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--addr" {
            addr = args.next().cloned();
        } else if let Some(value) = arg.strip_prefix("--addr=") {
            addr = Some(value.to_owned());
        }
    }
    addr.or(env).unwrap_or_else(|| "127.0.0.1:8080".to_owned())
}

/// Fails, naming the address, when `jimu serve` could not listen there: not an address, or
/// taken (another server, or an earlier `cargo xtask serve` still running).
fn check_addr(addr: &str) -> anyhow::Result<()> {
    let parsed: std::net::SocketAddr = addr.parse().map_err(|_| {
        anyhow::anyhow!(
            "`{addr}` is not an address to listen on: give an IP address and port, e.g. \
             cargo xtask serve --addr 127.0.0.1:9000"
        )
    })?;
    match std::net::TcpListener::bind(parsed) {
        Ok(_) => Ok(()),
        Err(err) => bail!(
            "cannot listen on {addr} ({err}): another server may be running there (an earlier \
             `cargo xtask serve`?). Stop it, or pick another address: \
             cargo xtask serve --addr 127.0.0.1:9000"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        APP_GZIP_BUDGET_BYTES, WASM_GZIP_BUDGET_BYTES, check_addr, check_app_budget,
        check_wasm_budget, serve_addr,
    };

    #[test]
    fn the_configurator_budget_fails_one_byte_over() {
        assert!(check_app_budget(APP_GZIP_BUDGET_BYTES).is_ok());
        let err = check_app_budget(APP_GZIP_BUDGET_BYTES + 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("by 1 bytes"), "{err}");
    }

    #[test]
    fn a_taken_address_is_reported_by_name_before_anything_is_built() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = taken.local_addr().unwrap().to_string();
        let err = check_addr(&addr).unwrap_err().to_string();
        assert!(
            err.contains(&format!("cannot listen on {addr}")) && err.contains("--addr"),
            "{err}"
        );
        // Any free port is fine.
        assert!(check_addr("127.0.0.1:0").is_ok());
        let err = check_addr("localhost").unwrap_err().to_string();
        assert!(err.contains("`localhost` is not an address"), "{err}");
    }

    #[test]
    fn the_address_is_the_one_jimu_serve_would_take() {
        let args = |list: &[&str]| list.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        assert_eq!(serve_addr(&args(&["--data", "d"]), None), "127.0.0.1:8080");
        assert_eq!(
            serve_addr(&args(&["--addr", "127.0.0.1:9000"]), None),
            "127.0.0.1:9000"
        );
        assert_eq!(
            serve_addr(
                &args(&["--addr=0.0.0.0:80"]),
                Some("127.0.0.1:1".to_owned())
            ),
            "0.0.0.0:80"
        );
        assert_eq!(
            serve_addr(&args(&["--public-read"]), Some("127.0.0.1:7000".to_owned())),
            "127.0.0.1:7000"
        );
    }

    #[test]
    fn the_budget_fails_one_byte_over_and_says_by_how_much() {
        assert!(check_wasm_budget(WASM_GZIP_BUDGET_BYTES).is_ok());
        assert!(check_wasm_budget(WASM_GZIP_BUDGET_BYTES + 1).is_err());
        let err = check_wasm_budget(WASM_GZIP_BUDGET_BYTES + 1234)
            .unwrap_err()
            .to_string();
        assert!(err.contains("601234 bytes gzipped"), "{err}");
        assert!(err.contains("by 1234 bytes"), "{err}");
    }
}
