//! SQL rendering: the only place identifiers and literals are quoted.
