//! How much of real schema files the SQL loader reads: every `from.sql` / `to.sql` of the
//! conformance corpus (`RETORT_CONFORMANCE_DIR`, else `<repo>/../shared/conformance`) and every
//! catalog fixture (`fixtures/catalog/*.sql`), with stock sqlparser (PostgreSqlDialect) as the
//! baseline. Prints a summary by failure kind and asserts a floor on the success rate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use retort_declare::files::{FileKind, SchemaFile};
use retort_declare::sql::{PieceKind, parse_piece, split_file};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

#[derive(Default)]
struct Tally {
    files: usize,
    files_whole_stock: usize,
    files_whole: usize,
    statements: usize,
    stock_ok: usize,
    ok: usize,
    /// failure kind -> (count, one example)
    failures: BTreeMap<String, (usize, String)>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sql_files(dir: &Path, names: &[&str], out: &mut Vec<PathBuf>) {
    for entry in walk(dir) {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if names.is_empty() && name.ends_with(".sql") || names.contains(&name) {
            out.push(entry);
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The statement's leading keywords, as a failure kind.
fn head(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .filter(|w| !matches!(w.as_str(), "OR" | "REPLACE" | "UNIQUE" | "UNLOGGED"))
        .take(3)
        .collect();
    match words.first().map(String::as_str) {
        Some("COMMENT") => words.join(" "),
        _ => words.into_iter().take(2).collect::<Vec<_>>().join(" "),
    }
}

fn measure(paths: &[PathBuf]) -> Tally {
    let mut tally = Tally::default();
    for path in paths {
        let text = std::fs::read_to_string(path).expect("read");
        let file = SchemaFile {
            path: path.clone(),
            display: path.display().to_string(),
            kind: FileKind::Sql,
            text: Arc::from(text),
        };
        tally.files += 1;
        let pieces = match split_file(&file) {
            Ok(p) => p,
            Err(e) => {
                tally
                    .failures
                    .entry("split error".into())
                    .or_insert((0, e.to_string()))
                    .0 += 1;
                continue;
            }
        };
        let (mut whole, mut whole_stock) = (true, true);
        for piece in pieces.iter().filter(|p| p.kind == PieceKind::Statement) {
            let stmt = piece.text(&file.text);
            tally.statements += 1;
            if Parser::parse_sql(&PostgreSqlDialect {}, stmt).is_ok() {
                tally.stock_ok += 1;
            } else {
                whole_stock = false;
            }
            match parse_piece(&file, piece) {
                Ok(_) => tally.ok += 1,
                Err(e) => {
                    whole = false;
                    let entry = tally.failures.entry(head(stmt)).or_default();
                    entry.0 += 1;
                    // Up to three examples per kind.
                    if entry.0 <= 3 {
                        let one_line: String = stmt.replace('\n', " ").chars().take(160).collect();
                        entry
                            .1
                            .push_str(&format!("\n      {e}\n        {one_line}"));
                    }
                }
            }
        }
        tally.files_whole += usize::from(whole);
        tally.files_whole_stock += usize::from(whole_stock);
    }
    tally
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

fn report(name: &str, t: &Tally) {
    eprintln!(
        "{name}: statements {}/{} = {:.1}% (stock sqlparser {}/{} = {:.1}%); whole files {}/{} = {:.1}% (stock {:.1}%)",
        t.ok,
        t.statements,
        pct(t.ok, t.statements),
        t.stock_ok,
        t.statements,
        pct(t.stock_ok, t.statements),
        t.files_whole,
        t.files,
        pct(t.files_whole, t.files),
        pct(t.files_whole_stock, t.files),
    );
    let mut kinds: Vec<_> = t.failures.iter().collect();
    kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    for (kind, (count, example)) in kinds {
        eprintln!("  {count:4}  {kind}{example}");
    }
}

#[test]
fn conformance_and_fixture_coverage() {
    let conformance = std::env::var_os("RETORT_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/conformance"));
    let mut paths = Vec::new();
    if conformance.is_dir() {
        sql_files(&conformance, &["from.sql", "to.sql"], &mut paths);
        assert!(!paths.is_empty(), "no cases in {}", conformance.display());
        let t = measure(&paths);
        report("conformance", &t);
        // Floors: raise them as the dialect grows, never lower.
        assert!(pct(t.ok, t.statements) >= 100.0, "statement coverage fell");
        assert!(pct(t.files_whole, t.files) >= 100.0, "file coverage fell");
    } else {
        eprintln!(
            "conformance corpus not found at {} (set RETORT_CONFORMANCE_DIR): skipped",
            conformance.display()
        );
    }
    let mut fixtures = Vec::new();
    sql_files(&repo_root().join("fixtures/catalog"), &[], &mut fixtures);
    assert!(!fixtures.is_empty(), "no catalog fixtures");
    let t = measure(&fixtures);
    report("fixtures/catalog", &t);
    assert!(pct(t.ok, t.statements) >= 99.6, "statement coverage fell");
    assert!(pct(t.files_whole, t.files) >= 80.0, "file coverage fell");
}

/// Every prefix of every fixture file (cut at many places, inside quotes, comments and
/// statements) is read without a panic: an error or statements, nothing else.
#[test]
fn truncated_files_never_panic() {
    let mut fixtures = Vec::new();
    sql_files(&repo_root().join("fixtures/catalog"), &[], &mut fixtures);
    let mut errors = 0;
    for path in &fixtures {
        let text = std::fs::read_to_string(path).expect("read");
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let file = SchemaFile {
                    path: path.clone(),
                    display: "f.sql".to_owned(),
                    kind: FileKind::Sql,
                    text: Arc::from(&text[..cut]),
                };
                if let Err(e) = retort_declare::sql::parse_file(&file) {
                    errors += 1;
                    assert!(e.span.end <= cut, "{e}");
                }
            }
            cut += 101;
        }
    }
    assert!(errors > 0, "cutting statements short must produce errors");
}
