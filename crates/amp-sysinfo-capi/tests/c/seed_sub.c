/*
 * Host stand-in for the specification's sub-core image. Only platform glue here: the
 * seed's snippet is seed_sub_snippet.inc, copied verbatim from the spec and
 * included textually.
 *
 * usage: seed_sub POOL_FILE [AVOID_ADDR | --wait]
 * Maps POOL_FILE at an address other than AVOID_ADDR (the main process's
 * mapping, so the two really see the pool at different local addresses),
 * attaches and runs the snippet. With --wait (started before the main core)
 * it retries attach until the main core has formatted the pool, then waits
 * for the ready entry, as a sub core polling for its peer would.
 * Exit status: 0 ok, 1 snippet returned -1, 2 attach failed or timed out,
 * 3 host error. Built with -DTEST_LINKED_POOLS (the `linked-pools` library)
 * it defines esp_amp_sys_info_pools instead of calling set_pool.
 */
/* mmap, ftruncate, msync under -std=c11 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef TEST_LINKED_POOLS
/* The pool's mapping is known only at run time: the object is not const. */
#define ESP_AMP_SYS_INFO_POOLS_WRITABLE
#endif
#include "esp_amp_sys_info.h"
#include "pool_file.h"

#define SYS_INFO_ID_PERSON_1 0x0001
#define SYS_INFO_ID_READY 0x0002

/* Polls `ready()` every millisecond for up to 20 s. */
static int wait_for(int (*ready)(void))
{
    for (int i = 0; i < 20000; i++) {
        if (ready()) {
            return 1;
        }
        struct timespec millisecond = {0, 1000000};
        nanosleep(&millisecond, NULL);
    }
    return 0;
}

static int attached(void)
{
    return esp_amp_sys_info_init() == 0;
}

static int published(void)
{
    return esp_amp_sys_info_get(SYS_INFO_ID_READY, NULL, SYS_INFO_CAP_HP) != NULL;
}

#ifdef TEST_LINKED_POOLS
esp_amp_sys_info_pools_t esp_amp_sys_info_pools;
#endif

static int seed_sub_core(void)
{
#include "seed_sub_snippet.inc"
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s POOL_FILE [AVOID_ADDR | --wait]\n", argv[0]);
        return 3;
    }
    int wait = argc == 3 && strcmp(argv[2], "--wait") == 0;
    void *local = test_map_pool(argv[1], 0);
    if (argc == 3 && !wait && (uintptr_t)local == (uintptr_t)strtoull(argv[2], NULL, 0)) {
        /* Keep the first mapping so the second lands elsewhere. */
        local = test_map_pool(argv[1], 0);
    }
    printf("sub: pool local %p\n", local);
    fflush(stdout);
#ifdef TEST_LINKED_POOLS
    /* The `linked-pools` library: the image says where the pools are (a
     * real image's object is const; here the mapping is known only now). */
    esp_amp_sys_info_pools.hp.local = local;
    esp_amp_sys_info_pools.hp.bus_addr = TEST_POOL_BUS_ADDR;
    esp_amp_sys_info_pools.hp.size = TEST_POOL_SIZE;
#else
    if (esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, local, TEST_POOL_BUS_ADDR, TEST_POOL_SIZE, 0) != 0) {
        printf("sub: set_pool failed: %s\n", esp_amp_sys_info_last_error());
        return 2;
    }
#endif
    if (wait) {
        /* Quiet while polling: every miss would log a line. */
        if (!wait_for(attached) || !wait_for(published)) {
            printf("sub: timed out: %s\n", esp_amp_sys_info_last_error());
            return 2;
        }
        printf("sub: ready entry seen\n");
    }
    esp_amp_sys_info_set_log(test_log_line);
    if (esp_amp_sys_info_init() != 0) {
        printf("sub: init failed: %s\n", esp_amp_sys_info_last_error());
        return 2;
    }
    int rc = seed_sub_core();
    if (rc != 0) {
        printf("sub: snippet failed: %s\n", esp_amp_sys_info_last_error());
        return 1;
    }
    /* The sub core's view of the table, through the log sink. */
    esp_amp_sys_info_dump();
    return 0;
}
