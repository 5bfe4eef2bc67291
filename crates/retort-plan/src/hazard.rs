//! What can go wrong when a step runs on a database with data and traffic.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A risk a step carries. `retort diff` refuses plans with [`Hazard::DataLoss`] unless allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hazard {
    /// Rows, columns or values are deleted, or values may not survive a type change.
    DataLoss,
    /// The table is rewritten (a type change that is not binary coercible, a volatile default).
    TableRewrite,
    /// An ACCESS EXCLUSIVE lock is held on a table that exists before the migration.
    AccessExclusiveLock,
    /// An index is built on a table that exists before the migration.
    IndexBuild,
    /// The statement cannot run inside a transaction block.
    NotTransactional,
}

impl Hazard {
    pub const ALL: [Hazard; 5] = [
        Hazard::DataLoss,
        Hazard::TableRewrite,
        Hazard::AccessExclusiveLock,
        Hazard::IndexBuild,
        Hazard::NotTransactional,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Hazard::DataLoss => "data-loss",
            Hazard::TableRewrite => "table-rewrite",
            Hazard::AccessExclusiveLock => "access-exclusive-lock",
            Hazard::IndexBuild => "index-build",
            Hazard::NotTransactional => "not-transactional",
        }
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hazard name that is not one of [`Hazard::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown hazard `{0}` (expected one of: data-loss, table-rewrite, access-exclusive-lock, index-build, not-transactional)"
)]
pub struct UnknownHazard(pub String);

impl FromStr for Hazard {
    type Err = UnknownHazard;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hazard::ALL
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| UnknownHazard(s.to_owned()))
    }
}

/// A hazard on one step, with what it means there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HazardNote {
    pub hazard: Hazard,
    /// One line for the reviewer: `drops column public.users.email and its data`.
    pub detail: String,
}
