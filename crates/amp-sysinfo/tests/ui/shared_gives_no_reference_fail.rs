use amp_sysinfo::Shared;

fn peek(shared: &Shared<u32>) -> &u32 {
    &**shared
}

fn main() {
    let _ = peek;
}
