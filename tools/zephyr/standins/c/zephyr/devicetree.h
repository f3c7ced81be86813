/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Stand-in for <zephyr/devicetree.h>: the macros the module's C glue uses,
 * with Zephyr's names and arities, answering for two pool nodes. Enough to
 * compile-check zephyr/esp_amp_sys_info_zephyr.c against the real
 * include/esp_amp_sys_info.h; not Zephyr's implementation. The RTC node is
 * "okay" unless STANDIN_NO_RTC_POOL is defined.
 */
#pragma once

#define DT_STANDIN_CAT(a, b)  DT_STANDIN_CAT_(a, b)
#define DT_STANDIN_CAT_(a, b) a##b

#define DT_NODELABEL(label)          DT_STANDIN_CAT(DT_N_NODELABEL_, label)
#define DT_REG_ADDR(node)            DT_STANDIN_CAT(node, _REG_ADDR)
#define DT_REG_SIZE(node)            DT_STANDIN_CAT(node, _REG_SIZE)
#define DT_NODE_FULL_NAME(node)      DT_STANDIN_CAT(node, _FULL_NAME)
#define DT_NODE_HAS_STATUS_OKAY(node) DT_STANDIN_CAT(node, _STATUS_OKAY)
#define DT_PROP_OR(node, prop, default_value) (default_value)

#define DT_N_NODELABEL_sysinfo_hp_REG_ADDR     0x40878000
#define DT_N_NODELABEL_sysinfo_hp_REG_SIZE     0x4000
#define DT_N_NODELABEL_sysinfo_hp_FULL_NAME    "memory@40878000"
#define DT_N_NODELABEL_sysinfo_hp_STATUS_OKAY  1
#define DT_N_NODELABEL_sysinfo_rtc_REG_ADDR    0x50003800
#define DT_N_NODELABEL_sysinfo_rtc_REG_SIZE    0x3f0
#define DT_N_NODELABEL_sysinfo_rtc_FULL_NAME   "memory@50003800"
#ifdef STANDIN_NO_RTC_POOL
#define DT_N_NODELABEL_sysinfo_rtc_STATUS_OKAY 0
#else
#define DT_N_NODELABEL_sysinfo_rtc_STATUS_OKAY 1
#endif
