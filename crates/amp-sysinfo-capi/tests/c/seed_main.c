/*
 * Host stand-in for the specification's main-core image. Only platform glue here: the
 * seed's snippet is seed_main_snippet.inc, copied verbatim from the spec and
 * included textually.
 *
 * usage: seed_main POOL_FILE NAME AGE
 * Creates POOL_FILE, formats the HP pool in it, runs the snippet, fills the
 * Person (the spec's text: "allocate ... and initialize the content"), then
 * allocates the ready entry (SYS_INFO_ID_READY): a sub core that already runs
 * waits for it, and the library's publication order (count stored with
 * Release after the entry; read with Acquire) makes the Person's content
 * visible to whoever sees the ready entry. Prints where this process saw the
 * block.
 */
/* mmap, ftruncate, msync under -std=c11 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_amp_sys_info.h"
#include "pool_file.h"

/* The seed uses this id without defining it: an application id. */
#define SYS_INFO_ID_PERSON_1 0x0001
/* Test glue: published after the Person is filled in. */
#define SYS_INFO_ID_READY 0x0002

static void *s_person;

static int seed_main_core(const char *name, uint32_t age)
{
#include "seed_main_snippet.inc"
    strncpy(person->name, name, sizeof(person->name) - 1);
    person->age = age;
    s_person = person;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s POOL_FILE NAME AGE\n", argv[0]);
        return 2;
    }
    void *local = test_map_pool(argv[1], 1);
    esp_amp_sys_info_set_log(test_log_line);
    if (esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, local, TEST_POOL_BUS_ADDR, TEST_POOL_SIZE, 0) != 0 ||
        esp_amp_sys_info_init() != 0) {
        fprintf(stderr, "main: setup failed: %s\n", esp_amp_sys_info_last_error());
        return 2;
    }
    if (seed_main_core(argv[2], (uint32_t)strtoul(argv[3], NULL, 10)) != 0) {
        fprintf(stderr, "main: snippet failed: %s\n", esp_amp_sys_info_last_error());
        return 1;
    }
    if (esp_amp_sys_info_alloc(SYS_INFO_ID_READY, 4, SYS_INFO_CAP_HP) == NULL) {
        fprintf(stderr, "main: ready entry: %s\n", esp_amp_sys_info_last_error());
        return 2;
    }
    esp_amp_sys_info_dump();
    esp_amp_sys_info_fence_before_sub_core_start();
    printf("main: pool local %p, person local %p, offset 0x%lx\n", local, s_person,
           (unsigned long)((char *)s_person - (char *)local));
    return msync(local, TEST_POOL_SIZE, MS_SYNC) == 0 ? 0 : 3;
}
