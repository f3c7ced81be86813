/*
 * Host platform glue shared by the test programs: the "shared memory" is a
 * file that each process maps with mmap(MAP_SHARED), like two cores seeing
 * one RAM. The bus address is a fixed made-up one (the ESP32-C6 HP pool's
 * neighbourhood); each process sees the pool wherever mmap put it.
 */
#pragma once

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_POOL_BUS_ADDR 0x4087c000u
#define TEST_POOL_SIZE 4096u

/*
 * Maps `path` (created and sized if `create`), or exits with status 3. Never
 * truncates: a process that has the file mapped already (a sub core started
 * first) must not lose its pages.
 */
static inline void *test_map_pool(const char *path, int create)
{
    int fd = open(path, create ? (O_RDWR | O_CREAT) : O_RDWR, 0600);
    if (fd < 0) {
        perror("open");
        exit(3);
    }
    if (create && ftruncate(fd, TEST_POOL_SIZE) != 0) {
        perror("ftruncate");
        exit(3);
    }
    void *local = mmap(NULL, TEST_POOL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (local == MAP_FAILED) {
        perror("mmap");
        exit(3);
    }
    close(fd);
    return local;
}

/* Prints each library log line, marked, to stderr. */
static inline void test_log_line(const char *line)
{
    fprintf(stderr, "sysinfo-log: %s\n", line);
}
