/*
 * A table written by hand in the wire format of docs/format.md (version 4),
 * as a main core would have left it, for the sub-core test programs (C and
 * C++): 2 entries, one published block (`id`, 8 bytes, just after the
 * table), the other slot empty (all ones), generation 1.
 */
#pragma once

#include <stdint.h>
#include <string.h>

static inline void test_put_word(uint8_t *pool, unsigned index, uint32_t value)
{
    memcpy(pool + 4 * index, &value, 4);
}

/* Formats `size` bytes at `pool` as the table of a pool of `kind` (0 HP,
 * 1 RTC) at bus address `bus`. */
static inline void test_format_table(uint8_t *pool, uint32_t kind, uint32_t bus, uint32_t size,
                                     uint16_t id)
{
    uint32_t flags = kind == 0 ? 1u : 2u;
    uint32_t w[5] = {0x49535953u, 4u | 2u << 16, kind | flags << 8, size, bus};
    memset(pool, 0, size);
    memset(pool + 32, 0xff, 16);
    test_put_word(pool, 7, 1);
    for (unsigned i = 0; i < 5; i++) {
        test_put_word(pool, i, w[i]);
    }
    test_put_word(pool, 5, 0x5a5ac3c3u ^ w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4]);
    test_put_word(pool, 6, 1);
    test_put_word(pool, 8, (uint32_t)id | 8u << 16);
    /* Offset 0 (in 4-byte units) from the data area, reserved half 0. */
    test_put_word(pool, 9, 0);
}
