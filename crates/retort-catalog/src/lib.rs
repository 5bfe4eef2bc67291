//! The canonical model of a PostgreSQL schema.
//!
//! Both sides of every comparison are turned into a [`Catalog`]: the introspector reads one from
//! a live database, the loader builds one from declared files. Nothing here does I/O, parses SQL or
//! quotes identifiers; names are raw ([`Ident`]) and SQL fragments are PostgreSQL's canonical text.
//!
//! Maps are `BTreeMap`s so iteration order is deterministic and is the order of any output.

mod id;
mod ident;
mod keyed;
mod model;
pub mod text;

pub use id::{ObjectId, RenameHint, RenameHints, RenameKind};
pub use ident::{FunctionId, Ident, QualifiedName};
pub use keyed::{Keyed, list};
pub use model::*;
