//! The TOML schema format: reading it into a catalog, and writing a catalog as TOML.
