/*
 * Every error path of the C API, from C, against the main-core library:
 * each failing call must return NULL / -1, say why through
 * esp_amp_sys_info_last_error(), log one line through the sink, and leave the
 * pool's bytes unchanged. Prints "c_errors: N checks passed" or the first
 * failures and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_amp_sys_info.h"
#include "checks.h"

#define HP_BUS 0x4087c000u
#define RTC_BUS 0x50003000u

static _Alignas(16) uint8_t s_hp[1024];
static _Alignas(16) uint8_t s_hp2[512];
static _Alignas(16) uint8_t s_rtc[256];
static uint8_t s_snapshot[sizeof(s_hp)];

static char s_log[4096];

static void sink(const char *line)
{
    strncat(s_log, line, sizeof(s_log) - strlen(s_log) - 2);
    strcat(s_log, "\n");
}

/* A failing call must not change a byte of the HP pool. */
#define SNAPSHOT() memcpy(s_snapshot, s_hp, sizeof(s_hp))
#define UNCHANGED() CHECK(memcmp(s_snapshot, s_hp, sizeof(s_hp)) == 0)

int main(void)
{
    esp_amp_sys_info_set_log(sink);
    CHECK(strcmp(esp_amp_sys_info_last_error(), "ok") == 0);

    /* Nothing configured yet. */
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_get(1, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_alloc(1, 4, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    /* Bad pool descriptions. */
    CHECK(esp_amp_sys_info_set_pool((esp_amp_sys_info_cap_t)2, s_hp, HP_BUS, sizeof(s_hp), 0) == -1);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    CHECK(esp_amp_sys_info_set_pool((esp_amp_sys_info_cap_t)0xffffffffu, s_hp, HP_BUS, sizeof(s_hp), 0) == -1);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, NULL, HP_BUS, sizeof(s_hp), 0) == -1);
    REASON("null pointer");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp + 4, HP_BUS, sizeof(s_hp) - 16, 0) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS + 8, sizeof(s_hp), 0) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS, 100, 0) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, 0xfffffff0u, 32, 0) == -1);
    REASON("table corrupt or for another pool");
    /* 64 bytes cannot hold a 16-entry table and a block: refused at once,
     * and init then has no HP pool. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS, 64, 0) == -1);
    REASON("pool too small for its table");
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");
    /* A pool ending exactly at 4 GiB is fine. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp2, 0xfffffe00u, sizeof(s_hp2), 1) == 0);
    CHECK(esp_amp_sys_info_init() == 0);
    /* Capacity 1 takes two slots (format v3 and later): the data area is at 48. */
    void *top = esp_amp_sys_info_alloc(0x0001, sizeof(s_hp2) - 48, SYS_INFO_CAP_HP);
    CHECK(top == s_hp2 + 48);
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_HP) == top);

    /* A real HP pool of 6 entries, and an RTC pool. */
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS, sizeof(s_hp), 6) == 0);
    /* The old pool (s_hp2) is gone at once, not only after init. */
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, s_rtc, RTC_BUS, sizeof(s_rtc), 2) == 0);
    CHECK(esp_amp_sys_info_init() == 0);
    REASON("ok");

    void *person = esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_HP);
    CHECK(person != NULL);
    CHECK(person != NULL && ((uintptr_t)person & 3) == 0);
    CHECK((uint8_t *)person >= s_hp && (uint8_t *)person + 20 <= s_hp + sizeof(s_hp));

    SNAPSHOT();
    CHECK(esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_HP) == NULL);
    REASON("duplicate id in this pool");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(0x0002, 0, SYS_INFO_CAP_HP) == NULL);
    REASON("size 0");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(SYS_INFO_ID_MAX, 4, SYS_INFO_CAP_HP) == NULL);
    REASON("reserved id");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(0x0002, 4, (esp_amp_sys_info_cap_t)7) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(0x0002, 4, (esp_amp_sys_info_cap_t)0x80000000u) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(0x0002, 60000, SYS_INFO_CAP_HP) == NULL);
    REASON("pool full");
    UNCHANGED();

    /* Every reserved id but 0xffff is allocatable (ESP-AMP's own components
     * are the reserved range's users and call this same API). */
    CHECK(esp_amp_sys_info_alloc(SYS_INFO_RESERVED_ID_SW_INTR, 8, SYS_INFO_CAP_HP) != NULL);
    CHECK(esp_amp_sys_info_alloc(0xff06, 4, SYS_INFO_CAP_HP) != NULL);
    CHECK(esp_amp_sys_info_get(0xff06, NULL, SYS_INFO_CAP_HP) != NULL);
    /* Ids are per pool: id 1 again, in the RTC pool. */
    void *rtc_person = esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_RTC);
    CHECK(rtc_person != NULL && (uint8_t *)rtc_person >= s_rtc && (uint8_t *)rtc_person < s_rtc + sizeof(s_rtc));
    CHECK(esp_amp_sys_info_alloc(SYS_INFO_RESERVED_ID_PM, 1, SYS_INFO_CAP_RTC) != NULL);
    CHECK(esp_amp_sys_info_alloc(0x0003, 4, SYS_INFO_CAP_RTC) == NULL);
    REASON("table full");

    CHECK(esp_amp_sys_info_alloc(0x0002, 4, SYS_INFO_CAP_HP) != NULL);
    CHECK(esp_amp_sys_info_alloc(0x0003, 4, SYS_INFO_CAP_HP) != NULL);
    CHECK(esp_amp_sys_info_alloc(0xfffe, 4, SYS_INFO_CAP_HP) != NULL);
    SNAPSHOT();
    CHECK(esp_amp_sys_info_alloc(0x0004, 4, SYS_INFO_CAP_HP) == NULL);
    REASON("table full");
    UNCHANGED();

    /* Lookups. */
    uint16_t size = 0xabcd;
    CHECK(esp_amp_sys_info_get(0x0001, &size, SYS_INFO_CAP_HP) == person);
    CHECK(size == 20);
    REASON("ok");
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_RTC) == rtc_person);
    size = 0xabcd;
    CHECK(esp_amp_sys_info_get(0x0009, &size, SYS_INFO_CAP_HP) == NULL);
    REASON("id not found");
    CHECK(size == 0xabcd);
    CHECK(esp_amp_sys_info_get(SYS_INFO_ID_MAX, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("reserved id");
    CHECK(esp_amp_sys_info_get(0x0001, NULL, (esp_amp_sys_info_cap_t)2) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");

    /* Every failure above logged one line naming the call. */
    CHECK(strstr(s_log, "esp_amp_sys_info_alloc(id 0x0001, cap 0): duplicate id in this pool\n") != NULL);
    CHECK(strstr(s_log, "esp_amp_sys_info_get(id 0x0009, cap 0): id not found\n") != NULL);
    CHECK(strstr(s_log, "esp_amp_sys_info_set_pool(cap 0): pool too small for its table\n") != NULL);
    CHECK(strstr(s_log, "esp_amp_sys_info_init(): pool absent\n") != NULL);

    /* The dump lists both pools with each block's own bus address. */
    s_log[0] = '\0';
    esp_amp_sys_info_dump();
    char expect[96];
    snprintf(expect, sizeof(expect), "addr 0x%08lx",
             (unsigned long)(HP_BUS + (uint32_t)((uint8_t *)person - s_hp)));
    CHECK(strstr(s_log, "sysinfo HP pool @ 0x4087c000") != NULL);
    CHECK(strstr(s_log, "sysinfo RTC pool @ 0x50003000") != NULL);
    CHECK(strstr(s_log, expect) != NULL);
    CHECK(strstr(s_log, "id 0xff00") != NULL);

    /* No sink: dump and failures print nothing (and do not crash). */
    esp_amp_sys_info_set_log(NULL);
    s_log[0] = '\0';
    esp_amp_sys_info_dump();
    CHECK(esp_amp_sys_info_get(0x0009, NULL, SYS_INFO_CAP_HP) == NULL);
    CHECK(s_log[0] == '\0');

    /* A failed set_pool leaves no pool, never the old one. */
    esp_amp_sys_info_set_log(sink);
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_RTC) == rtc_person);
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, s_rtc + 4, RTC_BUS, sizeof(s_rtc) - 16, 2) == -1);
    REASON("bad alignment");
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_RTC) == NULL);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_alloc(0x0001, 4, SYS_INFO_CAP_RTC) == NULL);
    REASON("pool absent");
    /* The HP pool is untouched by the RTC pool's failure. */
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_HP) == person);
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, NULL, HP_BUS, sizeof(s_hp), 6) == -1);
    REASON("null pointer");
    CHECK(esp_amp_sys_info_get(0x0001, NULL, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");
    SNAPSHOT();
    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");
    UNCHANGED();
    CHECK(esp_amp_sys_info_alloc(0x0007, 4, SYS_INFO_CAP_HP) == NULL);
    REASON("pool absent");

    return checks_done("c_errors", s_log);
}
