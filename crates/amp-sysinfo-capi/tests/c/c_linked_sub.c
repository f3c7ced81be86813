/*
 * The `linked-pools` sub-core library: the image defines where the pools
 * are (`esp_amp_sys_info_pools`) and esp_amp_sys_info_init() attaches to
 * them, with no esp_amp_sys_info_set_pool() call. Here the object is filled
 * at run time between calls, to try each description; a real image makes it
 * `const`. The tables are written by hand (table_v4.h), as a main core
 * would have left them.
 * Prints "c_linked_sub: N checks passed" or the failures and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Filled at run time, so not `const` (see the header). */
#define ESP_AMP_SYS_INFO_POOLS_WRITABLE
#include "esp_amp_sys_info.h"
#include "checks.h"
#include "table_v4.h"

#define BUS_HP 0x4087c000u
#define BUS_RTC 0x50002000u

static _Alignas(16) uint8_t s_hp[256];
static _Alignas(16) uint8_t s_rtc[128];

/* The definition the library reads at every init. */
esp_amp_sys_info_pools_t esp_amp_sys_info_pools;

static void describe(esp_amp_sys_info_pool_t *pool, void *local, uint32_t bus, uint32_t size)
{
    pool->local = local;
    pool->bus_addr = bus;
    pool->size = size;
}

int main(void)
{
    uint16_t size = 0;

    /* No HP pool (local NULL): init fails, nothing is open. */
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* The HP pool, not formatted yet: not ready, retry. */
    describe(&esp_amp_sys_info_pools.hp, s_hp, BUS_HP, sizeof(s_hp));
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("no valid table (not ready)");

    /* Formatted: attached; the RTC pool (local NULL) is absent. */
    test_format_table(s_hp, 0, BUS_HP, sizeof(s_hp), 1);
    CHECK(esp_amp_sys_info_init() == 0);
    REASON("ok");
    CHECK(esp_amp_sys_info_get(1, &size, SYS_INFO_CAP_HP) == s_hp + 48);
    CHECK(size == 8);
    CHECK(esp_amp_sys_info_get(2, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("id not found");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_RTC) == NULL);
    REASON("pool absent");

    /* A description set_pool would refuse is refused at init, and the pool
     * opened before is gone (lookups: pool absent, never the old table). */
    describe(&esp_amp_sys_info_pools.hp, s_hp + 4, BUS_HP + 4, sizeof(s_hp) - 16);
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* A bus range past 4 GiB is refused as set_pool refuses it. */
    describe(&esp_amp_sys_info_pools.hp, s_hp, 0xfffffff0u, 32);
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("table corrupt or for another pool");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* A table for another pool (other bus address) is not taken. */
    describe(&esp_amp_sys_info_pools.hp, s_hp, BUS_HP + 0x1000, sizeof(s_hp));
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("table corrupt or for another pool");

    /* An RTC pool that is not formatted: init fails as a whole. */
    describe(&esp_amp_sys_info_pools.hp, s_hp, BUS_HP, sizeof(s_hp));
    describe(&esp_amp_sys_info_pools.rtc, s_rtc, BUS_RTC, sizeof(s_rtc));
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("no valid table (not ready)");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* Both formatted: both attached, each with its own block. */
    test_format_table(s_rtc, 1, BUS_RTC, sizeof(s_rtc), SYS_INFO_RESERVED_ID_PM);
    CHECK(esp_amp_sys_info_init() == 0);
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == s_hp + 48);
    CHECK(esp_amp_sys_info_get(SYS_INFO_RESERVED_ID_PM, &size, SYS_INFO_CAP_RTC) == s_rtc + 48);
    CHECK(size == 8);
    CHECK(esp_amp_sys_info_get(SYS_INFO_RESERVED_ID_PM, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("id not found");
    CHECK(esp_amp_sys_info_get(1, NULL, (esp_amp_sys_info_cap_t)2) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");

    /* The image drops the RTC pool: the next init no longer has it (never
     * the table of the earlier init), and keeps the HP pool. */
    describe(&esp_amp_sys_info_pools.rtc, NULL, 0, 0);
    CHECK(esp_amp_sys_info_init() == 0);
    CHECK(esp_amp_sys_info_get(SYS_INFO_RESERVED_ID_PM, NULL, SYS_INFO_CAP_RTC) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == s_hp + 48);

    return checks_done("c_linked_sub", NULL);
}
