use amp_sysinfo::Shared;

fn peek(shared: &Shared<u32>) -> &u32 {
    shared.as_ref()
}

fn main() {
    let _ = peek;
}
