//! Locks that shrug off poisoning: the runtime's tables hold plain data whose invariants do not
//! depend on the code that panicked while holding the lock, so a panic in one process never
//! makes a table unusable for the others.
//!
//! Uses nothing else of the crate: every module may use it.

use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Locks a mutex, recovering the data if a panic poisoned it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Takes a read lock, recovering the data if a panic poisoned it.
pub(crate) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

/// Takes a write lock, recovering the data if a panic poisoned it.
pub(crate) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}
