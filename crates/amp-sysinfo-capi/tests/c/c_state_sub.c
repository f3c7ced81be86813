/*
 * The sub-core library's state after failures: a failed
 * esp_amp_sys_info_set_pool() or esp_amp_sys_info_init() leaves the library
 * with no pool, never the old one. The tables are written by hand
 * (table_v4.h), as a main core would have left them.
 * Prints "c_state_sub: N checks passed" or the failures and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_amp_sys_info.h"
#include "checks.h"
#include "table_v4.h"

#define BUS_A 0x4087c000u
#define BUS_B 0x40880000u

static _Alignas(16) uint8_t s_a[256];
static _Alignas(16) uint8_t s_b[256];

int main(void)
{
    test_format_table(s_a, 0, BUS_A, sizeof(s_a), 1);
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_a, BUS_A, sizeof(s_a), 0) == 0);
    CHECK(esp_amp_sys_info_init() == 0);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == s_a + 48);

    /* The sequence: set_pool(B) succeeds, init fails (B is not
     * formatted yet): no pointer into A any more. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_b, BUS_B, sizeof(s_b), 0) == 0);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("no valid table (not ready)");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* Retrying once the main core has formatted B works. */
    test_format_table(s_b, 0, BUS_B, sizeof(s_b), 1);
    CHECK(esp_amp_sys_info_init() == 0);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == s_b + 48);

    /* An RTC pool that is not ready fails init as a whole: the HP pool,
     * which did attach, is dropped too. */
    static _Alignas(16) uint8_t s_rtc[128];
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, s_rtc, 0x50003000u, sizeof(s_rtc), 0) == 0);
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("no valid table (not ready)");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* A failed set_pool: that pool is gone, init has no HP pool. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, s_rtc, 0x50003000u, 100, 0) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_init() == 0);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == s_b + 48);
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_a + 4, BUS_A, 128, 0) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");

    /* Cap values other than 0 and 1 are an error, never a pool. */
    CHECK(esp_amp_sys_info_set_pool((esp_amp_sys_info_cap_t)2, s_a, BUS_A, sizeof(s_a), 0) == -1);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    CHECK(esp_amp_sys_info_get(1, NULL, (esp_amp_sys_info_cap_t)2) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");

    /* A zero-size or misaligned entry is never handed out. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_a, BUS_A, sizeof(s_a), 0) == 0);
    CHECK(esp_amp_sys_info_init() == 0);
    test_put_word(s_a, 8, 1u);
    test_put_word(s_a, 9, BUS_A + sizeof(s_a));
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("table corrupt or for another pool");
    test_put_word(s_a, 8, 1u | 8u << 16);
    test_put_word(s_a, 9, BUS_A + 50);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("table corrupt or for another pool");

    return checks_done("c_state_sub", NULL);
}
