/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for <zephyr/sys/printk.h>. */
#pragma once
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
