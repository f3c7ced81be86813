//! The publication protocol over the pool's words, written once for the
//! shared memory ([`Region`](crate::Region)) and for the loom model.
//!
//! Writer: fill the block, write the entry's offset word, then *Release*-
//! store its first word (id and size) into the empty slot, then the count
//! (Release too: attach and the inspector read it). Reader: compare the ids
//! of the slots (Relaxed: an empty slot's id 0xffff never matches), then an
//! *Acquire* fence on a match before reading the rest of the entry and the
//! block. Formatting (and upgrading) first stores the new generation with
//! the `FORMATTING` bit (a fence after it), empties every slot, writes every
//! header word, Release-stores the new generation, then Release-stores the
//! magic. Attaching reads the header like a sequence lock: the generation,
//! an Acquire fence, the magic, the count and the other header words,
//! another Acquire fence, and the generation again; a header read across a
//! format sees the generation marked or changed, and is "not ready"
//! (retry), never a mix of two tables. No
//! read-modify-write anywhere.

use core::sync::atomic::Ordering;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};

use crate::format::{
    rounds_slots, table_slots, word, Entry, Header, BLOCK_ALIGN, EMPTY_SLOT, ENTRY_SIZE,
    FORMATTING, HEADER_SIZE, MAGIC, MAX_BLOCK_OFFSET, MIN_VERSION, VERSION,
};
use crate::{Error, PoolKind};

/// Aligned 32-bit words that two cores share.
pub(crate) trait Words {
    /// Number of words.
    fn len_words(&self) -> usize;
    /// # Safety
    /// `index < self.len_words()`.
    unsafe fn load(&self, index: usize, order: Ordering) -> u32;
    /// # Safety
    /// `index < self.len_words()`.
    unsafe fn store(&self, index: usize, value: u32, order: Ordering);
    /// Half-word `index` (`index / 2` is the word; odd: its high half, the
    /// little-endian layout's second `u16`), Relaxed.
    ///
    /// # Safety
    /// `index / 2 < self.len_words()`.
    #[inline]
    unsafe fn load_half(&self, index: usize) -> u16 {
        // SAFETY: forwarded to the caller.
        let w = unsafe { self.load(index / 2, Relaxed) };
        (w >> (16 * (index % 2))) as u16
    }
    /// The first of the first `n` entries whose id (the entry's first
    /// half-word) is `id`.
    ///
    /// # Safety
    /// The first `n` entries lie inside `self`.
    #[inline]
    unsafe fn find_id(&self, n: u32, id: u16) -> Option<Entry> {
        // SAFETY: forwarded to the caller.
        let at = unsafe { self.find_word(n, id) }?;
        // SAFETY: as above.
        let (size, place) = unsafe { (self.load_half(2 * at + 1), self.load(at + 1, Relaxed)) };
        Some(Entry { id, size, place })
    }
    /// The first word of the first of the first `n` entries whose id is
    /// `id` (the entry itself is not read: a presence test loads no more).
    ///
    /// # Safety
    /// The first `n` entries lie inside `self`.
    #[inline]
    unsafe fn find_word(&self, n: u32, id: u16) -> Option<usize> {
        (0..n as usize).map(|i| word::ENTRIES + 2 * i).find(|&at| {
            // SAFETY: entry `i < n` lies inside `self` (the caller's promise).
            unsafe { self.load_half(2 * at) == id }
        })
    }
    /// An Acquire fence (the loom model substitutes its own).
    #[inline(always)]
    fn fence_acquire(&self) {
        core::sync::atomic::fence(Acquire);
    }
    /// A Release fence (the loom model substitutes its own).
    #[inline(always)]
    fn fence_release(&self) {
        core::sync::atomic::fence(Release);
    }
}

/// The generation the next format of `words` writes: one more than the
/// word holds now without its [`FORMATTING`] bit (whatever it holds: an
/// earlier table's, a format cut short, or garbage), in 1..2^31. A handle of
/// the earlier table ([`Handle`](crate::Handle)) then sees a different word,
/// and so does one of the table before a format cut short: that format left
/// its own new generation (with the bit), which the next one counts on from.
pub(crate) fn next_generation<W: Words>(words: &W) -> u32 {
    // SAFETY: GENERATION < 8 <= len_words (the caller checked the table fits).
    let g = unsafe { words.load(word::GENERATION, Relaxed) }.wrapping_add(1) & !FORMATTING;
    if g == 0 {
        1
    } else {
        g
    }
}

/// Writes a fresh, empty table of `generation` (non-zero). The caller
/// checked that the header and `max_entries` entries fit in `words`.
pub(crate) fn format<W: Words>(words: &W, header: &Header, generation: u32) {
    let entry_words = 2 * table_slots(header.max_entries);
    debug_assert!(word::ENTRIES + entry_words <= words.len_words() && generation != 0);
    // SAFETY: the header words are < 8 and the entry words < 8 + 2 * max,
    // and the caller checked that `table_bytes(max)` fits the region.
    unsafe {
        rewrite(words, header, generation, || {
            words.store(word::COUNT, 0, Release);
            for i in 0..entry_words {
                words.store(word::ENTRIES + i, EMPTY_SLOT, Relaxed);
            }
        })
    }
}

/// Writes the header of `header` and `generation` over the table in
/// `words` in the order every attach relies on (`read_header`): the
/// generation marked as under way (a fence after it, so handles of the old
/// table go stale before anything else changes) and the magic cleared, so
/// no reader attaches to a half-written header; then `slots` (the count and
/// slot stores of a format or an upgrade); then every header word; last the
/// generation (Release: an attach that reads it first sees the whole table)
/// and the magic.
///
/// # Safety
/// `words` holds the header (8 words), and `slots` stores only inside the
/// table.
unsafe fn rewrite<W: Words>(words: &W, header: &Header, generation: u32, slots: impl FnOnce()) {
    let fields = header.words();
    // SAFETY: header word indices are < 8 <= len_words (the caller's promise).
    unsafe {
        words.store(word::GENERATION, generation | FORMATTING, Relaxed);
        words.fence_release();
        words.store(word::MAGIC, 0, Relaxed);
        slots();
        words.store(word::VERSION_MAX, fields[1], Relaxed);
        words.store(word::KIND_FLAGS, fields[2], Relaxed);
        words.store(word::SIZE, fields[3], Relaxed);
        words.store(word::BUS_BASE, fields[4], Relaxed);
        words.store(word::CHECK, Header::check(&fields), Relaxed);
        words.store(word::GENERATION, generation, Release);
        words.store(word::MAGIC, MAGIC, Release);
    }
}

/// What a valid header holds beyond this core's view of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opened {
    pub version: u16,
    pub max_entries: u16,
    pub count: u16,
    /// Non-zero from version 2 on, 0 in a version 1 table.
    pub generation: u32,
}

impl Opened {
    /// A version 1, 2 or 3 table: the main core's re-attach upgrades it.
    pub(crate) fn is_legacy(&self) -> bool {
        self.version < VERSION
    }

    /// A version 1 or 2 table, whose unpublished slots were 0, not empty,
    /// and whose slots were not rounded up to even.
    pub(crate) fn has_unrounded_slots(&self) -> bool {
        !rounds_slots(self.version)
    }

    /// Whether the main core's re-attach takes this table's header (its
    /// entries are checked too): [`Error::UnsupportedVersion`] for a version
    /// 1 or 2 table of odd capacity, which later versions cannot take in
    /// place (their data area would start one slot later).
    pub(crate) fn upgradable(&self) -> Result<(), Error> {
        if self.has_unrounded_slots() && self.max_entries % 2 != 0 {
            return Err(Error::UnsupportedVersion);
        }
        Ok(())
    }
}

/// The first unpublished slot of the version 3 or 4 table `opened` that is
/// not empty: a lookup compares every slot, so the main core's re-attach
/// refuses such a table as corrupt. `None` for a version 1 or 2 table, whose
/// unpublished slots are not compared (the upgrade empties them).
pub(crate) fn stray_slot<W: Words>(words: &W, opened: &Opened) -> Option<u16> {
    if opened.has_unrounded_slots() {
        return None;
    }
    // Counted in u32: a capacity of 0xffff has 0x10000 slots.
    let slots = table_slots(opened.max_entries) as u32;
    (opened.count as u32..slots)
        .find(|&i| {
            // SAFETY: `i` is below the slot count, which the header check
            // found to fit in `words`; it is at most 0xffff, so the cast
            // keeps it.
            let e = unsafe { entry(words, i as u16) };
            e.word0() != EMPTY_SLOT || e.place != EMPTY_SLOT
        })
        .map(|i| i as u16)
}

/// Validates the header against this core's view of the pool (kind, bus
/// base, size) and returns its version, the table capacity, the published
/// count and the generation. Versions `oldest..=VERSION` are valid
/// (a reader passes [`VERSION`], the main core's re-attach [`MIN_VERSION`]);
/// older or newer ones give [`Error::UnsupportedVersion`].
///
/// The generation is loaded before and after the other words (with an
/// Acquire fence after each end), as a sequence lock's reader does: a format
/// stores it with the [`FORMATTING`] bit before its first other store and
/// without it (Release) after its last, so a header read that overlaps a
/// format sees it marked or changed and gives [`Error::NotReady`] (retry). Every word is loaded first
/// and the faults are folded without early exits: fewer branches, so a
/// small attach on the LP core.
#[inline]
pub(crate) fn read_header<W: Words>(
    words: &W,
    kind: PoolKind,
    bus_base: u32,
    size: u32,
    oldest: u16,
) -> Result<Opened, Error> {
    debug_assert!((MIN_VERSION..=VERSION).contains(&oldest));
    if words.len_words() < word::ENTRIES {
        return Err(Error::PoolTooSmall);
    }
    // SAFETY: indices < 8 <= len_words. The Acquire fence after the first
    // generation pairs with its Release store (`format`): the magic, the
    // count and the header fields read after it are at least as new. The
    // second one orders them before the second generation: a word of a
    // later format (stored after that format's marked generation and fence)
    // makes the second load see that mark or newer.
    let (fields, check, count, generation, again) = unsafe {
        let generation = words.load(word::GENERATION, Relaxed);
        words.fence_acquire();
        // After the fence, like every other word: loaded before it, the
        // count could be an older table's (RVWMO reorders the loads).
        let magic = words.load(word::MAGIC, Relaxed);
        let count = words.load(word::COUNT, Relaxed);
        let fields = [
            magic,
            words.load(word::VERSION_MAX, Relaxed),
            words.load(word::KIND_FLAGS, Relaxed),
            words.load(word::SIZE, Relaxed),
            words.load(word::BUS_BASE, Relaxed),
        ];
        let check = words.load(word::CHECK, Relaxed);
        words.fence_acquire();
        (
            fields,
            check,
            count,
            generation,
            words.load(word::GENERATION, Relaxed),
        )
    };
    let max_entries = (fields[1] >> 16) as u16;
    let version = fields[1] as u16;
    let expect_kind = Header {
        kind,
        max_entries,
        size,
        bus_base,
    }
    .words()[2];
    // Non-short-circuit `|`: one branch per error kind.
    // The check word with the magic as the constant it must be: one XOR
    // fewer than `Header::check` (the same value when the magic matches).
    let expect_check = Header::check(&[MAGIC, fields[1], fields[2], fields[3], fields[4]]);
    // A generation that changed: a format under way.
    if (fields[0] != MAGIC) | (check != expect_check) | (generation != again) {
        return Err(Error::NotReady);
    }
    if version.wrapping_sub(oldest) > VERSION - oldest {
        return Err(Error::UnsupportedVersion);
    }
    // From version 2 on, a generation with the FORMATTING bit, or 0 (how
    // earlier builds marked a format), is a format under way too (a version
    // 1 table has 0 for good, and no format of it ever runs). One compare:
    // both wrap below zero when 1 is taken off. After the version check, so
    // that a reader does it once.
    if ((generation.wrapping_sub(1) as i32) < 0) & (version != 1) {
        return Err(Error::NotReady);
    }
    // The most entries whose slots fit: from version 3 on the capacity is
    // rounded up to an even number of slots, so it fits exactly when it is
    // at most the slot room rounded down to even.
    let room = size.saturating_sub(HEADER_SIZE as u32) / ENTRY_SIZE as u32;
    let most = if rounds_slots(version) {
        room & !1
    } else {
        room
    };
    if (fields[2] != expect_kind)
        | (fields[3] != size)
        | (fields[4] != bus_base)
        // Version 1: the generation word is reserved (0); later ones never
        // get here with 0 (above).
        | ((generation != 0) & (version == 1))
        // 1 <= max_entries and the table fits: one compare when `size` is
        // a constant (a sub core's devicetree pool).
        | ((max_entries as u32).wrapping_sub(1) >= most)
        | (count > max_entries as u32)
    {
        return Err(Error::Corrupt);
    }
    Ok(Opened {
        version,
        max_entries,
        count: count as u16,
        generation,
    })
}

/// Turns the valid version 1, 2 or 3 table of `opened` (versions 1 and 2:
/// an even capacity, so the slots already take what version 4's do) into a
/// version 4 table in place, keeping its entries: the header is rewritten as
/// `format` writes it (`rewrite`, with a new generation, so an attach that
/// overlaps the upgrade gives "not ready"), each published entry's bus
/// address becomes its offset from `data_bus` (the data area's bus address)
/// and the unpublished slots are emptied on the way. The kind, size and
/// base words are written again unchanged (the header check found them
/// equal to `header`'s). The caller checked every entry: 4-byte aligned,
/// inside the data area and at most [`MAX_BLOCK_OFFSET`] bytes into it.
pub(crate) fn upgrade<W: Words>(words: &W, header: &Header, opened: &Opened, data_bus: u32) -> u32 {
    debug_assert!(opened.is_legacy() && opened.upgradable().is_ok());
    let generation = next_generation(words);
    let slots = table_slots(opened.max_entries);
    // SAFETY: header words < 8 and slot words < 8 + 2 * slots, which the
    // header check found to fit in `words` (versions 1 and 2: an even
    // capacity, so `slots == max_entries`).
    unsafe {
        rewrite(words, header, generation, || {
            for i in 0..opened.count as usize {
                let at = word::ENTRIES + 2 * i + 1;
                let addr = words.load(at, Relaxed);
                let units = addr.wrapping_sub(data_bus) / BLOCK_ALIGN as u32;
                debug_assert!(units * BLOCK_ALIGN as u32 <= MAX_BLOCK_OFFSET);
                words.store(at, units, Relaxed);
            }
            for i in 2 * opened.count as usize..2 * slots {
                words.store(word::ENTRIES + i, EMPTY_SLOT, Relaxed);
            }
        })
    };
    generation
}

/// Makes entry `index` visible: its words (the first one Release), then
/// the count (Release). (The writer runs the two halves itself, with cache
/// write-back between.)
#[cfg(all(test, loom))]
pub(crate) fn publish<W: Words>(words: &W, index: u16, entry: Entry) {
    write_entry(words, index, entry);
    publish_count(words, index + 1);
}

/// Publishes entry `index` to lookups: the offset word, then the first word
/// (id and size) with Release into the empty slot; a lookup that sees the id
/// sees the rest after its Acquire fence. Returns the entry's byte offset in
/// the pool, for cache write-back.
pub(crate) fn write_entry<W: Words>(words: &W, index: u16, entry: Entry) -> usize {
    let at = word::ENTRIES + 2 * index as usize;
    // SAFETY: the writer only writes `index < max_entries`, whose words lie
    // inside the table that `format`/`read_header` checked.
    unsafe {
        words.store(at + 1, entry.place, Relaxed);
        words.store(at, entry.word0(), Release);
    }
    at * 4
}

/// Makes the first `count` entries visible: the Release store readers pair
/// with. Returns the count word's byte offset, for cache write-back.
pub(crate) fn publish_count<W: Words>(words: &W, count: u16) -> usize {
    // SAFETY: COUNT < 8 <= len_words (checked at format/attach).
    unsafe { words.store(word::COUNT, count as u32, Release) };
    word::COUNT * 4
}

/// The published entry count (Acquire), checked against the capacity.
#[inline]
pub(crate) fn count<W: Words>(words: &W, max_entries: u16) -> Result<u16, Error> {
    // SAFETY: COUNT < 8 <= len_words (checked at attach).
    let n = unsafe { words.load(word::COUNT, Acquire) };
    if n > max_entries as u32 {
        return Err(Error::Corrupt);
    }
    Ok(n as u16)
}

/// Entry `index`.
///
/// # Safety
/// `index < table_slots(max_entries)` (or `< max_entries` of a version 1 or
/// 2 table) of a table whose header check (or format) found its slots to
/// fit in `words`.
#[inline]
pub(crate) unsafe fn entry<W: Words>(words: &W, index: u16) -> Entry {
    let at = word::ENTRIES + 2 * index as usize;
    // SAFETY: both words are inside the table (the caller's promise).
    let (w0, place) = unsafe { (words.load(at, Relaxed), words.load(at + 1, Relaxed)) };
    Entry {
        id: w0 as u16,
        size: (w0 >> 16) as u16,
        place,
    }
}

/// The first published entry with `id`, or `NotFound`: what the main core
/// itself and the inspector look up (bounded by the count).
#[inline]
pub(crate) fn find<W: Words>(words: &W, max_entries: u16, id: u16) -> Result<Entry, Error> {
    // SAFETY: COUNT < 8 <= len_words (checked at attach).
    let n = unsafe { words.load(word::COUNT, Acquire) };
    // A count beyond the capacity (`Corrupt` at attach, too): only table
    // slots are ever read.
    if n > max_entries as u32 {
        return Err(Error::Corrupt);
    }
    scan(words, n, id).ok_or(Error::NotFound)
}

/// A sub core's lookup (version 4): the entry with `id` among all `slots`
/// slots, not bounded by the count. Empty slots never match; a match is
/// followed by an Acquire fence, which pairs with the Release store of the
/// slot's first word (`write_entry`). The real reader runs the same steps
/// over pointers, two slots per loop (`Reader::get`); this is the form the
/// loom model checks.
#[cfg(all(test, loom))]
pub(crate) fn find_slot<W: Words>(words: &W, slots: u32, id: u16) -> Option<Entry> {
    // SAFETY: the slots lie inside `words` (checked at attach).
    let at = unsafe { words.find_word(slots, id) }?;
    words.fence_acquire();
    // SAFETY: as above.
    let (size, place) = unsafe { (words.load_half(2 * at + 1), words.load(at + 1, Relaxed)) };
    Some(Entry { id, size, place })
}

/// The first of the first `n` entries with `id`. The caller has
/// `n <= max_entries`.
#[inline]
pub(crate) fn scan<W: Words>(words: &W, n: u32, id: u16) -> Option<Entry> {
    // SAFETY: `n <= max_entries`, whose entries the header check bounded.
    unsafe { words.find_id(n, id) }
}

/// Whether one of the first `n` entries has `id`. The caller has
/// `n <= max_entries`.
#[inline]
pub(crate) fn contains<W: Words>(words: &W, n: u32, id: u16) -> bool {
    // SAFETY: `n <= max_entries`, whose entries the header check bounded.
    unsafe { words.find_word(n, id) }.is_some()
}

/// The publication protocol under loom: every interleaving of a main core that
/// formats a table and publishes two blocks, and a sub core that attaches and
/// looks them up, within loom's preemption bound; then attach and
/// `Reader::handle` while the main core formats the pool again.
/// Run: `RUSTFLAGS="--cfg loom" cargo test -p amp-sysinfo --release --lib -- loom`.
#[cfg(all(test, loom))]
mod loom_model {
    use super::*;
    use crate::format::Header;
    use loom::sync::atomic::AtomicU32;
    use loom::sync::Arc;
    use std::vec::Vec;

    const MAX: u16 = 2;
    const BUS: u32 = 0x4000_0000;
    /// Header + 2 entries + 2 one-word blocks.
    const WORDS: usize = 8 + 2 * MAX as usize + 2;
    const DATA: usize = 8 + 2 * MAX as usize;

    struct LoomWords(Vec<AtomicU32>);

    impl Words for LoomWords {
        fn len_words(&self) -> usize {
            self.0.len()
        }
        unsafe fn load(&self, index: usize, order: Ordering) -> u32 {
            self.0[index].load(order)
        }
        unsafe fn store(&self, index: usize, value: u32, order: Ordering) {
            self.0[index].store(value, order)
        }
        fn fence_acquire(&self) {
            loom::sync::atomic::fence(Acquire);
        }
        fn fence_release(&self) {
            loom::sync::atomic::fence(Release);
        }
    }

    fn value(i: u16) -> u32 {
        0xc0de_0000 | i as u32
    }

    /// Runs `body` in every interleaving loom explores within `bound`
    /// preemptions, each time on `words` fresh zeroed words (and their size
    /// in bytes), then prints how many there were (for docs/reliability.md)
    /// and checks that there was more than one.
    fn explore(
        words: usize,
        bound: usize,
        what: &str,
        body: impl Fn(Arc<LoomWords>, u32) + Send + Sync + 'static,
    ) {
        let explored = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = explored.clone();
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(bound);
        builder.check(move || {
            counter.fetch_add(1, Relaxed);
            let shared = Arc::new(LoomWords((0..words).map(|_| AtomicU32::new(0)).collect()));
            body(shared, (words * 4) as u32);
        });
        let n = explored.load(Relaxed);
        std::eprintln!("loom: {n} interleavings of {what} explored");
        assert!(n > 1);
    }

    #[test]
    fn loom_reader_never_sees_a_partial_entry() {
        explore(
            WORDS,
            3,
            "publication (0 partial entries seen)",
            |words, size| {
                let header = Header {
                    kind: PoolKind::Hp,
                    max_entries: MAX,
                    size,
                    bus_base: BUS,
                };
                let main = {
                    let words = words.clone();
                    loom::thread::spawn(move || {
                        format(&*words, &header, 1);
                        for i in 0..MAX {
                            // The block first (Relaxed, like a plain write), then the entry.
                            let slot = DATA + i as usize;
                            words.0[slot].store(value(i), Relaxed);
                            // Offset from the data area, in words.
                            let place = i as u32;
                            publish(
                                &*words,
                                i,
                                Entry {
                                    id: i + 1,
                                    size: 4,
                                    place,
                                },
                            );
                        }
                    })
                };
                // Sub core: attach, then look every id up.
                match read_header(&*words, PoolKind::Hp, BUS, size, VERSION) {
                    Err(Error::NotReady) => {}
                    Err(e) => panic!("attach saw a half-written header: {e:?}"),
                    Ok(Opened {
                        max_entries: max, ..
                    }) => {
                        assert_eq!(max, MAX);
                        for i in 0..MAX {
                            match find_slot(&*words, table_slots(max) as u32, i + 1) {
                                None => {}
                                Some(entry) => {
                                    let offset = DATA * 4 + entry.place as usize * 4;
                                    assert!(
                                        entry.size == 4 && (DATA * 4..WORDS * 4).contains(&offset),
                                        "torn entry {entry:?}"
                                    );
                                    let got = words.0[offset / 4].load(Relaxed);
                                    assert_eq!(
                                        got,
                                        value(i),
                                        "block published before its contents"
                                    );
                                }
                            }
                        }
                    }
                }
                main.join().unwrap();
            },
        );
    }

    /// A sub core attaching while the main core formats the pool again (it
    /// rebooted) with a smaller capacity than the old table's count: attach
    /// sees the old table whole, the new one whole, or "not ready" (retry),
    /// never a mix of the two (an old count with the new header would also
    /// be "corrupt").
    #[test]
    fn loom_attach_during_a_new_format_sees_one_table_or_not_ready() {
        const OLD_MAX: u16 = 4;
        const OLD_COUNT: u16 = 3;
        const NEW_MAX: u16 = 2;
        // Header, the old table's slots and one one-word block.
        const WORDS: usize = 8 + 2 * OLD_MAX as usize + 1;
        explore(WORDS, 2, "attach during a format", |words, size| {
            let header = move |max_entries| Header {
                kind: PoolKind::Hp,
                max_entries,
                size,
                bus_base: BUS,
            };
            // The old table, with its entries, before the sub core runs.
            format(&*words, &header(OLD_MAX), 1);
            // The one block, the first word of the old table's data area.
            for i in 0..OLD_COUNT {
                let entry = Entry {
                    id: i + 1,
                    size: 4,
                    place: 0,
                };
                publish(&*words, i, entry);
            }
            let main = {
                let words = words.clone();
                loom::thread::spawn(move || {
                    let generation = next_generation(&*words);
                    format(&*words, &header(NEW_MAX), generation);
                })
            };
            // A scheduling point first: without it loom runs the attach's
            // first load before any of the format's stores.
            words.0[0].load(Relaxed);
            match read_header(&*words, PoolKind::Hp, BUS, size, VERSION) {
                Err(Error::NotReady) => {}
                Err(e) => panic!("attach during a format gave {e:?}, not \"not ready\""),
                Ok(o) => assert!(
                    (o.max_entries, o.count, o.generation) == (OLD_MAX, OLD_COUNT, 1)
                        || (o.max_entries, o.count, o.generation) == (NEW_MAX, 0, 2),
                    "attach mixed two tables: {o:?}"
                ),
            }
            main.join().unwrap();
        });
    }

    /// `Reader::handle` while the main core formats the pool again and
    /// publishes the same id elsewhere: the lookup, the fence, then the
    /// generation check. A handle of the old generation holds the old
    /// block, whole; otherwise it is stale or not found.
    #[test]
    fn loom_handle_made_during_a_new_format_is_the_old_block_or_stale() {
        explore(WORDS, 2, "a handle made during a format", |words, size| {
            let header = Header {
                kind: PoolKind::Hp,
                max_entries: MAX,
                size,
                bus_base: BUS,
            };
            let old = Entry {
                id: 1,
                size: 4,
                place: 0,
            };
            format(&*words, &header, 1);
            publish(&*words, 0, old);
            let main = {
                let words = words.clone();
                loom::thread::spawn(move || {
                    format(&*words, &header, 2);
                    let new = Entry {
                        id: 1,
                        size: 4,
                        place: 1,
                    };
                    publish(&*words, 0, new);
                })
            };
            // The reader attached to generation 1 before the format.
            if let Some(entry) = find_slot(&*words, table_slots(MAX) as u32, 1) {
                words.fence_acquire();
                // SAFETY: GENERATION < 8 <= len_words.
                let now = unsafe { words.load(word::GENERATION, Acquire) };
                if now == 1 {
                    assert_eq!(entry, old, "a handle of generation 1 holds another block");
                }
            }
            main.join().unwrap();
        });
    }
}
