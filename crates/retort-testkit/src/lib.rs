//! PostgreSQL test harness.
