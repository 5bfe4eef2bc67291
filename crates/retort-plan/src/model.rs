//! The plan: segments of steps, each step with its cause and hazards.

use std::collections::BTreeSet;

use retort_catalog::ObjectId;
use serde::Serialize;

use crate::hazard::{Hazard, HazardNote};

/// An ordered migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub segments: Vec<Segment>,
}

/// Steps that run together: in one transaction, or (when `transactional` is false) one
/// statement at a time outside any transaction block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub transactional: bool,
    /// Session settings the segment runs with (`SET LOCAL ...`), before its first step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    pub steps: Vec<Step>,
}

/// One change carried out: its statements (without the final `;`), why, and its risks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub statements: Vec<String>,
    pub cause: Cause,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<HazardNote>,
}

/// What a step does, to which object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub change: ChangeKind,
    pub object: ObjectId,
    /// For reviewers: `create table public.users`, `alter column public.users.email type`.
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Drop,
    Alter,
    Rename,
    /// Dropped or created again because something it depends on changes.
    Recreate,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.steps.is_empty())
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.segments.iter().flat_map(|s| s.steps.iter())
    }

    /// Steps with a hazard not in `allowed`, with that hazard.
    pub fn refused(&self, allowed: &BTreeSet<Hazard>) -> Vec<(&Step, &HazardNote)> {
        self.steps()
            .flat_map(|s| s.hazards.iter().map(move |h| (s, h)))
            .filter(|(_, h)| h.hazard == Hazard::DataLoss && !allowed.contains(&h.hazard))
            .collect()
    }

    /// The migration script: each transactional segment between `BEGIN;` and `COMMIT;`, each
    /// step under a comment with its cause and hazards. Empty for an empty plan.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for segment in self.segments.iter().filter(|s| !s.steps.is_empty()) {
            if !out.is_empty() {
                out.push('\n');
            }
            if segment.transactional {
                out.push_str("BEGIN;\n");
                for setting in &segment.settings {
                    out.push_str(setting);
                    out.push_str(";\n");
                }
            } else {
                out.push_str("-- retort: the statements below cannot run in a transaction block\n");
            }
            for step in &segment.steps {
                out.push('\n');
                out.push_str("-- ");
                out.push_str(&one_line(&step.cause.summary));
                out.push('\n');
                for h in &step.hazards {
                    out.push_str("-- hazard ");
                    out.push_str(h.hazard.as_str());
                    out.push_str(": ");
                    out.push_str(&one_line(&h.detail));
                    out.push('\n');
                }
                for statement in &step.statements {
                    out.push_str(statement);
                    out.push_str(";\n");
                }
            }
            if segment.transactional {
                out.push_str("\nCOMMIT;\n");
            }
        }
        out
    }
}

/// Comment text on one line: a name with a line break must not end the comment early.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}
