/*
 * The main-core library built without its `log-failures` feature
 * (CONFIG_ESP_AMP_SYS_INFO_C_API_LOG_FAILURES=n): failing calls still return
 * NULL / -1 and store their reason for esp_amp_sys_info_last_error(), leave
 * the pool's bytes unchanged, and send no line to the sink; the dump still
 * prints. Prints "c_quiet: N checks passed" or the failures and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_amp_sys_info.h"
#include "checks.h"

#define HP_BUS 0x4087c000u

static _Alignas(16) uint8_t s_hp[512];
static uint8_t s_snapshot[sizeof(s_hp)];

static char s_log[2048];

static void sink(const char *line)
{
    strncat(s_log, line, sizeof(s_log) - strlen(s_log) - 2);
    strcat(s_log, "\n");
}

int main(void)
{
    esp_amp_sys_info_set_log(sink);
    REASON("ok");

    CHECK(esp_amp_sys_info_init() == -1);
    REASON("pool absent");
    CHECK(esp_amp_sys_info_set_pool((esp_amp_sys_info_cap_t)2, s_hp, HP_BUS, sizeof(s_hp), 0) == -1);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, NULL, HP_BUS, sizeof(s_hp), 0) == -1);
    REASON("null pointer");
    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS, 64, 0) == -1);
    REASON("pool too small for its table");

    CHECK(esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, s_hp, HP_BUS, sizeof(s_hp), 4) == 0);
    REASON("ok");
    CHECK(esp_amp_sys_info_init() == 0);
    void *block = esp_amp_sys_info_alloc(0x0001, 8, SYS_INFO_CAP_HP);
    CHECK(block != NULL);
    REASON("ok");

    memcpy(s_snapshot, s_hp, sizeof(s_hp));
    CHECK(esp_amp_sys_info_alloc(0x0001, 8, SYS_INFO_CAP_HP) == NULL);
    REASON("duplicate id in this pool");
    CHECK(esp_amp_sys_info_alloc(0x0002, 0, SYS_INFO_CAP_HP) == NULL);
    REASON("size 0");
    CHECK(esp_amp_sys_info_alloc(SYS_INFO_ID_MAX, 4, SYS_INFO_CAP_HP) == NULL);
    REASON("reserved id");
    CHECK(esp_amp_sys_info_alloc(0x0002, 4, (esp_amp_sys_info_cap_t)7) == NULL);
    REASON("invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
    CHECK(esp_amp_sys_info_alloc(0x0002, 4, SYS_INFO_CAP_RTC) == NULL);
    REASON("pool absent");
    CHECK(memcmp(s_snapshot, s_hp, sizeof(s_hp)) == 0);

    uint16_t size = 0xabcd;
    CHECK(esp_amp_sys_info_get(0x0009, &size, SYS_INFO_CAP_HP) == NULL);
    REASON("id not found");
    CHECK(size == 0xabcd);
    CHECK(esp_amp_sys_info_get(0x0001, &size, SYS_INFO_CAP_HP) == block);
    CHECK(size == 8);
    REASON("ok");

    /* Not one failure above reached the sink. */
    CHECK(s_log[0] == '\0');

    /* The dump still prints through it. */
    esp_amp_sys_info_dump();
    CHECK(strstr(s_log, "sysinfo HP pool @ 0x4087c000") != NULL);
    CHECK(strstr(s_log, "id 0x0001") != NULL);

    return checks_done("c_quiet", s_log);
}
