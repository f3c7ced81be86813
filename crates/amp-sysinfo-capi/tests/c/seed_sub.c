/*
 * Host stand-in for the seed's sub-core image. Only platform glue here: the
 * seed's snippet is seed_sub_snippet.inc, copied verbatim from the spec and
 * included textually.
 *
 * usage: seed_sub POOL_FILE [AVOID_ADDR]
 * Maps POOL_FILE at an address other than AVOID_ADDR (the main process's
 * mapping, so the two really see the pool at different local addresses),
 * attaches and runs the snippet.
 * Exit status: 0 ok, 1 snippet returned -1, 2 attach failed, 3 host error.
 */
/* mmap, ftruncate, msync under -std=c11 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "esp_amp_sys_info.h"
#include "pool_file.h"

#define SYS_INFO_ID_PERSON_1 0x0001

static int seed_sub_core(void)
{
#include "seed_sub_snippet.inc"
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s POOL_FILE [AVOID_ADDR]\n", argv[0]);
        return 3;
    }
    void *local = test_map_pool(argv[1], 0);
    if (argc == 3 && (uintptr_t)local == (uintptr_t)strtoull(argv[2], NULL, 0)) {
        /* Keep the first mapping so the second lands elsewhere. */
        local = test_map_pool(argv[1], 0);
    }
    printf("sub: pool local %p\n", local);
    esp_amp_sys_info_set_log(test_log_line);
    if (esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, local, TEST_POOL_BUS_ADDR, TEST_POOL_SIZE, 0) != 0 ||
        esp_amp_sys_info_init() != 0) {
        printf("sub: init failed: %s\n", esp_amp_sys_info_last_error());
        return 2;
    }
    int rc = seed_sub_core();
    if (rc != 0) {
        printf("sub: snippet failed: %s\n", esp_amp_sys_info_last_error());
        return 1;
    }
    return 0;
}
