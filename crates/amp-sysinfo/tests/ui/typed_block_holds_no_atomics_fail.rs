use core::sync::atomic::AtomicU32;

use amp_sysinfo::{Id, PoolKind, Reader};

fn main() {
    let reader = Reader::new();
    let id = Id::new(1).unwrap();
    let _ = reader.get_as::<AtomicU32>(id, PoolKind::Rtc);
}
