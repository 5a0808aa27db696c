//! Shared helpers for end-to-end tests: run the real `kotae` binary, start the real
//! server on an ephemeral port, and share one compiled dictionary across tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The `kotae` binary under test.
pub fn kotae() -> Command {
    with_test_environment(Command::new(env!("CARGO_BIN_EXE_kotae")))
}

/// The environment every test run of kotae gets: the shared dictionary, quiet logs,
/// nothing inherited that would point it elsewhere.
fn with_test_environment(mut command: Command) -> Command {
    command
        .env("KOTAE_DICT_DIR", dictionary_cache())
        .env_remove("KOTAE_FAQ")
        .env_remove("KOTAE_INDEX")
        .env_remove("KOTAE_ADDR")
        .env("KOTAE_LOG", "warn");
    command
}

/// One compiled dictionary for every test of this checkout.
pub fn dictionary_cache() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-dictionary")
}

/// The ids of the shipped FAQ, in order: other tools rely on them.
pub const SHIPPED_IDS: [&str; 11] = [
    "leak-possibility",
    "leaked-items",
    "notification-method",
    "notification-delay",
    "credit-card",
    "bank-account",
    "investment-points",
    "leak-impact",
    "data-deletion",
    "contact",
    "incident-overview",
];

/// GETs `url` and returns the body as text.
pub async fn get_text(url: &str) -> String {
    client()
        .get(url)
        .send()
        .await
        .expect("response")
        .text()
        .await
        .expect("body")
}

/// The shipped FAQ directory.
pub fn shipped_faq() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("faq")
}

/// Runs `kotae ARGS` with `--faq FAQ --index <tmp>` and returns its output.
pub fn run(faq: &Path, index: &Path, args: &[&str]) -> Output {
    kotae()
        .arg("--faq")
        .arg(faq)
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .expect("the kotae binary runs")
}

/// A running `kotae serve`, killed when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The server's data directory (the feedback database).
    pub data: tempfile::TempDir,
    child: Child,
    _index: tempfile::TempDir,
}

impl Server {
    /// Starts the server on the shipped FAQ.
    pub fn start() -> Server {
        Self::start_with(&shipped_faq())
    }

    /// Starts the server on `faq`, on an ephemeral port, with a fresh index.
    pub fn start_with(faq: &Path) -> Server {
        Self::start_with_args(faq, &[])
    }

    /// Starts the server on `faq` with extra `serve` arguments.
    pub fn start_with_args(faq: &Path, args: &[&str]) -> Server {
        Self::start_custom(faq, args, &[], Stdio::inherit())
    }

    /// Starts the server with extra arguments, environment and a stderr target.
    pub fn start_custom(faq: &Path, args: &[&str], env: &[(&str, &str)], stderr: Stdio) -> Server {
        let data = tempfile::tempdir().expect("temp dir");
        Self::start_in(faq, data, args, env, stderr)
    }

    /// Starts the server with `data` as its data directory (prepared by the test).
    pub fn start_in(
        faq: &Path,
        data: tempfile::TempDir,
        args: &[&str],
        env: &[(&str, &str)],
        stderr: Stdio,
    ) -> Server {
        Self::spawn(kotae(), faq, data, args, env, stderr)
    }

    /// Starts the server with at most `files` open file descriptors (`prlimit`).
    pub fn start_with_file_limit(faq: &Path, args: &[&str], files: u32) -> Server {
        let mut command = Command::new("prlimit");
        command
            .arg(format!("--nofile={files}:{files}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_kotae"));
        let command = with_test_environment(command);
        let data = tempfile::tempdir().expect("temp dir");
        Self::spawn(command, faq, data, args, &[], Stdio::inherit())
    }

    fn spawn(
        mut command: Command,
        faq: &Path,
        data: tempfile::TempDir,
        args: &[&str],
        env: &[(&str, &str)],
        stderr: Stdio,
    ) -> Server {
        let index = tempfile::tempdir().expect("temp dir");
        let mut child = command
            .envs(env.iter().copied())
            .arg("--faq")
            .arg(faq)
            .arg("--index")
            .arg(index.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("kotae serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("kotae prints its address");
        let base = line
            .trim()
            .strip_prefix("kotae listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Server {
            base,
            data,
            child,
            _index: index,
        }
    }

    /// The index root this server uses.
    pub fn index(&self) -> &Path {
        self._index.path()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The server's process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port`.
    pub fn authority(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }
}

impl Server {
    /// Stops the server as an operator would (SIGTERM), waits for it to exit and
    /// hands back its data directory.
    pub fn terminate(mut self) -> (std::process::ExitStatus, tempfile::TempDir) {
        let data = std::mem::replace(&mut self.data, tempfile::tempdir().expect("temp dir"));
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        let status = self.child.wait().expect("kotae exits");
        (status, data)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A matcher over the shipped FAQ, in-process, with its index in a temporary
/// directory (kept alive by the returned guard).
pub fn shipped_matcher() -> (kotae::matcher::Matcher, tempfile::TempDir) {
    let index = tempfile::tempdir().expect("temp dir");
    let config = kotae::config::Config {
        paths: kotae::config::Paths {
            faq: shipped_faq(),
            index: index.path().to_path_buf(),
            dict_dir: Some(dictionary_cache()),
            ..kotae::config::Paths::default()
        },
        ..kotae::config::Config::default()
    };
    (
        kotae::matcher::Matcher::build(&config).expect("matcher"),
        index,
    )
}

/// A copy of the shipped FAQ in a temporary directory, to edit during a test.
pub fn faq_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for item in std::fs::read_dir(shipped_faq()).expect("faq/") {
        let path = item.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

/// An HTTP client with a timeout, for loopback tests.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// `POST /api/ask` with `question`, the reply as JSON.
pub async fn ask(server: &Server, question: &str) -> serde_json::Value {
    client()
        .post(server.url("/api/ask"))
        .json(&serde_json::json!({ "question": question }))
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("JSON body")
}

/// `GET path` with a staff bearer token, as JSON (the review console's routes).
pub async fn staff_get(server: &Server, path: &str, token: &str) -> serde_json::Value {
    client()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("JSON body")
}

/// `GET /readyz` as JSON. Tests poll it while the server reloads; a connection
/// refused or reset in that moment is tried again (three times), so a server that
/// stays unreachable still fails the test.
pub async fn readyz(server: &Server) -> serde_json::Value {
    let mut attempts = 0;
    loop {
        match client().get(server.url("/readyz")).send().await {
            Ok(response) => return response.json().await.expect("JSON body"),
            Err(err) if attempts < 3 && (err.is_connect() || err.is_request()) => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => panic!("response: {err:?}"),
        }
    }
}

/// The JSON log lines with the values kotae measures itself (time stamps, latency,
/// confidence) removed: their digits (`…:23.081234Z`) can match a short secret like
/// the `8123` of a postal code by chance, and they never carry the member's text.
pub fn without_measurements(log: &str) -> String {
    use serde_json::Value;
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in ["timestamp", "latency", "confidence"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    log.lines()
        .map(|line| match serde_json::from_str::<Value>(line) {
            Ok(mut value) => {
                strip(&mut value);
                value.to_string()
            }
            Err(_) => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
