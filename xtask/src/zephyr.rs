//! Zephyr module checks (issue: the Zephyr module). Owned by that work.
use crate::Result;

pub fn check() -> Result<()> {
    Err("zephyr module checks are not written yet".into())
}
