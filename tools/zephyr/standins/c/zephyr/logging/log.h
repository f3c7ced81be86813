/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for <zephyr/logging/log.h>: printf-checked LOG_* macros. */
#pragma once
void log_standin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG_MODULE_REGISTER(name, level) static const int log_standin_level_##name __attribute__((unused)) = (level)
#define LOG_ERR(...) log_standin(__VA_ARGS__)
#define LOG_WRN(...) log_standin(__VA_ARGS__)
#define LOG_INF(...) log_standin(__VA_ARGS__)
