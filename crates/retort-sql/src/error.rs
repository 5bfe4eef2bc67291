//! Errors of the renderer.

use thiserror::Error;

/// Why a catalog could not be rendered into a script.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// Objects that depend on each other in a circle: no creation order exists.
    #[error("dependency cycle among {kind}: {}", members.join(", "))]
    Cycle {
        /// What was being ordered (`types`, `tables`, `views and functions`, ...).
        kind: &'static str,
        /// The objects on the cycle (and any caught between cycles), sorted.
        members: Vec<String>,
    },
    /// A partition or inheritance child whose parent is not in the catalog.
    #[error("table {table} has parent {parent}, which is not in the catalog")]
    MissingParent { table: String, parent: String },
    /// An object a migration step names is not in the catalog it is read from.
    #[error("{object} is not in the catalog")]
    MissingObject { object: String },
    /// A function (not a procedure) without a result type.
    #[error("function {function} has no result type")]
    MissingResultType { function: String },
}
