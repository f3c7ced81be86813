//! The QEMU twin (issue: the two-core twin). Owned by that work.
use crate::Result;

pub fn demo(_args: &[String]) -> Result<()> {
    Err("the twin is not written yet".into())
}

pub fn test() -> Result<()> {
    Err("twin scenarios are not written yet".into())
}
