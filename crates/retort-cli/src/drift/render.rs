//! The drift report as text: for a terminal, as JSON, and as GitHub Actions annotations.

use std::fmt::Write as _;

use super::{
    AttributeDrift, Counts, Difference, DriftKind, DriftReport, RevisionDrift, RevisionDriftKind,
};

/// The ANSI escapes of the human rendering, all in one place.
mod ansi {
    pub const GREEN: &str = "\x1b[32m";
    pub const RED: &str = "\x1b[31m";
    pub const YELLOW: &str = "\x1b[33m";
    pub const CYAN: &str = "\x1b[36m";
    pub const BOLD: &str = "\x1b[1m";
    pub const RESET: &str = "\x1b[0m";
}

/// `No drift: database app matches schema.`
fn clean_line(report: &DriftReport) -> String {
    format!("No drift: {} matches {}.", report.actual, report.expected)
}

/// `migration migrations/x.sql (revision 3f9c) is not applied`.
fn revision_line(r: &RevisionDrift) -> String {
    let file = r.file.as_deref().unwrap_or("no file");
    match r.kind {
        RevisionDriftKind::NotApplied => {
            format!("revision {} ({file}) is not applied", r.revision)
        }
        RevisionDriftKind::Unknown => format!(
            "revision {} is applied but no migration file holds it",
            r.revision
        ),
        RevisionDriftKind::Edited => format!(
            "revision {} ({file}) was applied from another version of its file",
            r.revision
        ),
        RevisionDriftKind::PartlyApplied => {
            format!("revision {} ({file}) is partly applied", r.revision)
        }
    }
}
const GITHUB_TITLE: &str = "Schema drift";

/// One summary line per difference (`+` missing, `-` unexpected, `~` changed, `>` renamed),
/// each definition diff indented below its line, the fix SQL and a count line. ANSI colors
/// only when `color` is true.
pub fn render_human(report: &DriftReport, color: bool) -> String {
    let paint = |style: &str, text: &str| {
        if color {
            format!("{style}{text}{}", ansi::RESET)
        } else {
            text.to_owned()
        }
    };
    if report.is_clean() {
        return format!("{}\n", clean_line(report));
    }
    let mut out = format!(
        "Drift: {} differs from {}.\n\n",
        report.actual, report.expected
    );
    for r in &report.revisions {
        out.push_str(&paint(
            ansi::RED,
            &format!("! {}", one_line(&revision_line(r))),
        ));
        out.push('\n');
    }
    for d in &report.differences {
        let (marker, style) = match d.kind {
            DriftKind::Missing => ('+', ansi::GREEN),
            DriftKind::Unexpected => ('-', ansi::RED),
            DriftKind::Changed => ('~', ansi::YELLOW),
            DriftKind::Renamed => ('>', ansi::CYAN),
        };
        let line = format!("{marker} {}", summary(d));
        out.push_str(&paint(style, &line));
        out.push('\n');
        let diffs: Vec<&AttributeDrift> =
            d.attributes.iter().filter(|a| a.diff.is_some()).collect();
        for a in &diffs {
            if diffs.len() > 1 {
                let _ = writeln!(out, "    {}:", a.attribute);
            }
            for diff_line in a.diff.as_deref().unwrap_or_default().lines() {
                let style = if diff_line.starts_with("+++") || diff_line.starts_with("---") {
                    ansi::BOLD
                } else if diff_line.starts_with('+') {
                    ansi::GREEN
                } else if diff_line.starts_with('-') {
                    ansi::RED
                } else if diff_line.starts_with("@@") {
                    ansi::CYAN
                } else {
                    ""
                };
                let text = format!("    {diff_line}").trim_end().to_owned();
                if style.is_empty() {
                    out.push_str(&text);
                } else {
                    out.push_str(&paint(style, &text));
                }
                out.push('\n');
            }
        }
    }
    if !report.fix_sql.trim().is_empty() {
        out.push('\n');
        out.push_str(&paint(ansi::BOLD, "To fix it, apply:"));
        out.push_str("\n\n");
        out.push_str(&report.fix_sql);
        if !report.fix_sql.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&count_line(&report.counts));
    out.push('\n');
    out
}

/// The report as pretty JSON, with a final newline.
pub fn render_json(report: &DriftReport) -> String {
    // A report is strings, numbers and lists: serializing it cannot fail.
    let mut out = serde_json::to_string_pretty(report).unwrap_or_default();
    out.push('\n');
    out
}

/// GitHub Actions workflow commands: one `::error` per difference, then a `::notice` with the
/// count (only the notice when nothing differs).
pub fn render_github(report: &DriftReport) -> String {
    let title = escape_property(GITHUB_TITLE);
    let mut out = String::new();
    for r in &report.revisions {
        let _ = writeln!(
            out,
            "::error title={title}::{}",
            escape_data(&revision_line(r))
        );
    }
    for d in &report.differences {
        let mut message = match d.kind {
            DriftKind::Missing => format!("{} {} is missing", d.object_kind, d.name),
            DriftKind::Unexpected => format!("{} {} is not expected", d.object_kind, d.name),
            DriftKind::Renamed => format!(
                "{} {} is expected to be named {}",
                d.object_kind,
                d.name,
                d.renamed_to.as_deref().unwrap_or_default()
            ),
            DriftKind::Changed => format!(
                "{} {} differs: {}",
                d.object_kind,
                d.name,
                attribute_summary(&d.attributes)
            ),
        };
        for a in &d.attributes {
            if let Some(diff) = &a.diff {
                message.push('\n');
                message.push_str(diff.trim_end_matches('\n'));
            }
        }
        let _ = writeln!(out, "::error title={title}::{}", escape_data(&message));
    }
    let notice = if report.is_clean() {
        clean_line(report)
    } else {
        count_line(&report.counts)
    };
    let _ = writeln!(out, "::notice title={title}::{}", escape_data(&notice));
    out
}

/// `+ table public.feedback`, without the marker: the kind, the name, and for changes what
/// differs. Never more than one line, whatever the names hold.
fn summary(d: &Difference) -> String {
    let text = match d.kind {
        DriftKind::Missing | DriftKind::Unexpected => format!("{} {}", d.object_kind, d.name),
        DriftKind::Renamed => format!(
            "{} {} renamed to {}",
            d.object_kind,
            d.name,
            d.renamed_to.as_deref().unwrap_or_default()
        ),
        DriftKind::Changed => format!(
            "{} {}: {}",
            d.object_kind,
            d.name,
            attribute_summary(&d.attributes)
        ),
    };
    one_line(&text)
}

/// `type character varying(255) -> citext; body changed`.
fn attribute_summary(attributes: &[AttributeDrift]) -> String {
    attributes
        .iter()
        .map(|a| match (&a.actual, &a.expected) {
            (Some(actual), Some(expected)) => format!("{} {actual} -> {expected}", a.attribute),
            _ if a.diff.is_some() => format!("{} changed", a.attribute),
            _ => format!("{} differs", a.attribute),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `3 differences: 1 missing, 1 unexpected, 1 changed` (kinds with none left out).
fn count_line(counts: &Counts) -> String {
    let noun = if counts.total == 1 {
        "difference"
    } else {
        "differences"
    };
    let parts: Vec<String> = [
        (counts.missing, "missing"),
        (counts.unexpected, "unexpected"),
        (counts.changed, "changed"),
        (counts.renamed, "renamed"),
        (counts.revisions, "revision record(s)"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    format!("{} {noun}: {}", counts.total, parts.join(", "))
}

/// Control characters (a newline in a quoted name) written as escapes.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command (`title=`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property, one_line};

    #[test]
    fn github_escapes() {
        assert_eq!(escape_data("50% a,b: c\r\nd"), "50%25 a,b: c%0D%0Ad");
        assert_eq!(escape_property("50% a,b: c\nd"), "50%25 a%2Cb%3A c%0Ad");
    }

    #[test]
    fn one_line_escapes_controls() {
        assert_eq!(one_line("a\nb\r\u{1}c"), "a\\nb\\r\\u{1}c");
    }
}
