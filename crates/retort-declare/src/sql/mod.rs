//! Reading declared SQL files.
