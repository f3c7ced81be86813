use amp_sysinfo::{Block, Reader, Region, Shared, Writer};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>() {}
fn sync<T: Sync>() {}

fn main() {
    send_sync::<Region>();
    send_sync::<Block>();
    send_sync::<Shared<u32>>();
    sync::<Writer>();
    send::<Reader>();
}
