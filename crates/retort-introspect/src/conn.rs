//! Connecting to PostgreSQL: URLs, TLS, errors.
