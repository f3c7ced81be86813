/*
 * The two extra lookup sites of the three-site C shapes (capi_get3.c,
 * capi_linked_get3.c): a constant id in the HP pool, its first word read,
 * and a reserved id in the RTC pool.
 */
#pragma once

#include "esp_amp_sys_info.h"

static uint32_t config(void)
{
    uint32_t *p = esp_amp_sys_info_get(0x0001, 0, SYS_INFO_CAP_HP);
    return p ? *p : 0;
}

static void *pm(void)
{
    return esp_amp_sys_info_get(SYS_INFO_RESERVED_ID_PM, 0, SYS_INFO_CAP_RTC);
}
