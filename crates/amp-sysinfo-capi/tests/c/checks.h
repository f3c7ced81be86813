/*
 * The check macros of the C test programs: CHECK(cond) counts a check and
 * prints the failing condition with the library's last error; REASON(text)
 * checks esp_amp_sys_info_last_error(). checks_done() prints the verdict
 * and gives the exit status.
 */
#pragma once

#include <stdio.h>
#include <string.h>

#include "esp_amp_sys_info.h"

static int s_checks, s_failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        s_checks++;                                                                   \
        if (!(cond)) {                                                                \
            s_failures++;                                                             \
            fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, \
                    __LINE__, #cond, esp_amp_sys_info_last_error());                  \
        }                                                                             \
    } while (0)

#define REASON(text) CHECK(strcmp(esp_amp_sys_info_last_error(), (text)) == 0)

/* "<name>: N checks passed" and 0, or "<name>: F of N checks failed",
 * `log` (if not NULL) and 1. */
static inline int checks_done(const char *name, const char *log)
{
    if (s_failures != 0) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, s_failures, s_checks);
        if (log != NULL) {
            fputs(log, stderr);
        }
        return 1;
    }
    printf("%s: %d checks passed\n", name, s_checks);
    return 0;
}
