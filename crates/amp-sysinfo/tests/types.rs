//! The promises the types make, checked by the compiler (trybuild): what must
//! not compile (`tests/ui/*_fail.rs`, with the compiler's message pinned in
//! the `.stderr` beside it) and what must (`tests/ui/*_pass.rs`).

#[test]
fn type_level_promises() {
    let t = trybuild::TestCases::new();
    // `Shared<T>` hands out no `&T` (neither `Deref`, `AsRef` nor `Borrow`):
    // the other core may change the bytes under a reference.
    t.compile_fail("tests/ui/shared_gives_no_reference_fail.rs");
    t.compile_fail("tests/ui/shared_gives_no_as_ref_fail.rs");
    // A typed block cannot hold atomics (they need `Immutable`, which
    // `AtomicU32` is not): atomics come only from `Block::atomic_words`,
    // which refuses the RTC pool.
    t.compile_fail("tests/ui/typed_block_holds_no_atomics_fail.rs");
    // `Region`, `Block` and `Shared<T>` are `Send + Sync`; `Writer` is `Sync`
    // (a `static`); `Reader` is `Send`.
    t.pass("tests/ui/send_sync_pass.rs");
}
