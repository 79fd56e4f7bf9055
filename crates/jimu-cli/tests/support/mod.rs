//! What the tests that run the `jimu` binary as a server share: the binary with an
//! environment that changes nothing, a store for each test (a fresh SQLite directory, or a
//! fresh database on the PostgreSQL server `JIMU_TEST_POSTGRES_URL` names; `cargo xtask test`
//! starts one), `jimu serve` started on a free loopback port, and requests to its API.
// Each test file uses a part of it.
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{BufRead as _, BufReader, Read as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const JIMU: &str = env!("CARGO_BIN_EXE_jimu");

/// How long any one socket read may wait: far beyond anything the server should take.
pub const READ_BOUND: Duration = Duration::from_secs(30);

/// Environment variables that would change what `jimu` does under test.
pub const CLEARED: &[&str] = &[
    "JIMU_SERVER",
    "JIMU_TOKEN",
    "JIMU_DIST",
    "JIMU_DATABASE_URL",
    "JIMU_DATA",
    "JIMU_ADDR",
    "RUST_LOG",
    "LC_ALL",
    "LC_MESSAGES",
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// The URL of a PostgreSQL server on which each test makes its own database.
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend, or `None` (the case is skipped, and says so); with
    /// `JIMU_TEST_REQUIRE_POSTGRES` set, a missing server fails the test.
    pub fn postgres() -> Option<Self> {
        match std::env::var("JIMU_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(Self::Postgres(url)),
            _ if std::env::var_os("JIMU_TEST_REQUIRE_POSTGRES").is_some() => {
                panic!("JIMU_TEST_REQUIRE_POSTGRES is set but JIMU_TEST_POSTGRES_URL is not")
            }
            _ => {
                eprintln!("skipped: set JIMU_TEST_POSTGRES_URL to run the PostgreSQL case");
                None
            }
        }
    }
}

/// One test's store: a fresh SQLite directory or a fresh PostgreSQL database.
pub struct Place {
    pub dir: tempfile::TempDir,
    pub backend: Backend,
    /// `--data DIR` or `--database-url URL`.
    pub store_args: Vec<OsString>,
}

impl Place {
    /// A fresh SQLite store.
    pub fn sqlite() -> Self {
        Self::new(&Backend::Sqlite)
    }

    pub fn new(backend: &Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store_args = match backend {
            Backend::Sqlite => vec!["--data".into(), dir.path().join("data").into()],
            Backend::Postgres(admin) => vec!["--database-url".into(), fresh_database(admin).into()],
        };
        Self {
            dir,
            backend: backend.clone(),
            store_args,
        }
    }

    /// The SQLite database file of a SQLite place.
    pub fn sqlite_file(&self) -> PathBuf {
        self.dir.path().join("data").join("jimu.sqlite3")
    }

    /// `jimu token create` on the store directly (it also migrates a new store).
    pub fn token(&self, role: &str, label: &str) -> String {
        let out = jimu()
            .args(["token", "create", "--role", role, "--label", label])
            .args(&self.store_args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

/// Creates an empty database on the PostgreSQL server and returns its URL.
pub fn fresh_database(admin_url: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        use sqlx::Connection as _;
        let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
        let mut random = [0u8; 8];
        getrandom(&mut random);
        let name = format!(
            "jimu_serve_{}",
            random
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let (server, _) = admin_url.rsplit_once('/').unwrap();
        format!("{server}/{name}")
    })
}

/// Randomness without another dependency: the kernel's.
fn getrandom(buf: &mut [u8]) {
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(buf)
        .unwrap();
}

pub fn jimu() -> Command {
    let mut command = Command::new(JIMU);
    cleaned(&mut command);
    command
}

/// Without the environment that would change what `jimu` does, and without input.
pub fn cleaned(command: &mut Command) {
    for var in CLEARED {
        command.env_remove(var);
    }
    command.env("LANG", "C").stdin(Stdio::null());
}

/// `jimu serve` on a free loopback port, its log in a file; killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl Server {
    /// Starts it over `place` with these extra options, logging at `rust_log` (the built-in
    /// default when `None`).
    pub fn start(place: &Place, extra: &[&str], rust_log: Option<&str>) -> Self {
        Self::start_with_files(place, extra, rust_log, None)
    }

    /// As [`Self::start`], the process allowed this many open files (soft, hard).
    pub fn start_with_files(
        place: &Place,
        extra: &[&str],
        rust_log: Option<&str>,
        open_files: Option<(u64, u64)>,
    ) -> Self {
        let log = place.dir.path().join(format!(
            "server-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let mut command = match open_files {
            None => jimu(),
            Some((soft, hard)) => {
                // The shell sets the limits (soft first: it may not exceed the hard one),
                // then becomes `jimu`, the same process.
                let mut command = Command::new("sh");
                command.args([
                    "-c",
                    &format!("ulimit -S -n {soft} && ulimit -H -n {hard} && exec \"$0\" \"$@\""),
                    JIMU,
                ]);
                cleaned(&mut command);
                command
            }
        };
        command
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(&place.store_args)
            .args(extra)
            .current_dir(place.dir.path())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        if let Some(filter) = rust_log {
            command.env("RUST_LOG", filter);
        }
        let mut child = command.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (found, url) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("Jimu is running at ") {
                    let _ = found.send(url.trim().trim_end_matches('/').to_owned());
                }
            }
        });
        let url = url
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "jimu serve did not say where it runs: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        let addr = url.strip_prefix("http://").unwrap().parse().unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Self {
            child,
            url,
            addr,
            log,
        }
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/{path}", self.url)
    }

    /// A field of /proc/PID/status in KiB (`VmRSS`, `VmHWM`).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `bound`.
    pub fn exited_within(&mut self, bound: Duration) -> Option<ExitStatus> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if started.elapsed() > bound {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing the process could still do.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An answer, as a plain HTTP client reads it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("{err}: {}", self.body))
    }

    /// A problem+json answer's title.
    pub fn problem_title(&self) -> String {
        assert_eq!(self.content_type, "application/problem+json", "{self:?}");
        let problem = self.json();
        assert_eq!(problem["status"], self.status, "{self:?}");
        problem["title"].as_str().unwrap().to_owned()
    }

    pub fn detail(&self) -> String {
        self.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(READ_BOUND))
        .build()
        .into()
}

/// One request: `method url` with a bearer token (none when empty), these headers and body.
pub fn call(method: &str, url: &str, token: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    if !token.is_empty() {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut answer = agent()
        .run(request.body(body.to_owned()).unwrap())
        .unwrap_or_else(|err| panic!("{method} {url}: {err}"));
    let content_type = answer
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Reply {
        status: answer.status().as_u16(),
        content_type,
        body: answer.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// `GET` of an API path, with a bearer token (none when empty).
pub fn get(server: &Server, path: &str, token: &str) -> Reply {
    call("GET", &server.api(path), token, &[], "")
}

/// Publishes `content` as `name` over whatever is newest, or creates it.
pub fn publish(server: &Server, token: &str, name: &str, content: &str, query: &str) -> Reply {
    let exists = call(
        "GET",
        &server.api(&format!("bundles/{name}")),
        token,
        &[],
        "",
    )
    .status
        == 200;
    let precondition = if exists {
        ("if-match", "*")
    } else {
        ("if-none-match", "*")
    };
    put(server, token, name, content, query, precondition)
}

/// Creates `name` (refused when it exists).
pub fn create(server: &Server, token: &str, name: &str, content: &str, query: &str) -> Reply {
    put(server, token, name, content, query, ("if-none-match", "*"))
}

pub fn put(
    server: &Server,
    token: &str,
    name: &str,
    content: &str,
    query: &str,
    precondition: (&str, &str),
) -> Reply {
    call(
        "PUT",
        &format!("{}{query}", server.api(&format!("bundles/{name}"))),
        token,
        &[precondition, ("content-type", "application/json")],
        content,
    )
}
