/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Stand-in for <zephyr/kernel.h>, only to compile-check the C samples'
 * use of the module's C API against the real include/esp_amp_sys_info.h:
 * declares exactly what samples/sysinfo_c/src/main.c uses from Zephyr,
 * with Zephyr's signature (include/zephyr/sys/printk.h).
 */
#pragma once

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
