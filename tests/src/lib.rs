//! Workspace-level checks live in this package's `tests/` directory.
