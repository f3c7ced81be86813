/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * esp-amp-sysinfo: the C API of the SysInfo shared-memory registry.
 *
 * Source compatible with ESP-AMP's `esp_amp_sys_info.h`: the four functions,
 * `esp_amp_sys_info_cap_t` and `esp_amp_sys_info_id_t` have ESP-AMP's names,
 * types, signatures and values. Implemented in Rust by the
 * `amp-sysinfo-capi` static library (crates/amp-sysinfo-capi).
 *
 * Differences from ESP-AMP (see docs/c-api.md):
 *   - the platform glue tells the library where the pools are with
 *     esp_amp_sys_info_set_pool() before esp_amp_sys_info_init();
 *   - tables are validated and every block is bounds checked; entries are
 *     published complete, so allocation after the sub core has booted is safe;
 *   - every call that returns NULL (or -1) records why:
 *     esp_amp_sys_info_last_error();
 *   - esp_amp_sys_info_alloc() zero-fills the block. Ids: every id but
 *     0xffff (SYS_INFO_ID_MAX) is accepted by alloc and get, the reserved
 *     range 0xff00..0xfffe included: "the upper half is reserved for ESP-AMP
 *     internal use", and ESP-AMP's internal users are C components calling
 *     this same API; applications keep to 0x0000..0xfeff;
 *   - a `cap` other than SYS_INFO_CAP_HP (0) or SYS_INFO_CAP_RTC (1) is an
 *     error in every function: NULL / -1 with "invalid cap (...)".
 *
 * Main-core builds (default) format the pools in esp_amp_sys_info_init() and
 * allocate; sub-core builds (cargo feature `sub-core`) attach to the tables in
 * esp_amp_sys_info_init() and only look up: they do not define
 * esp_amp_sys_info_alloc(), exactly as ESP-AMP's sub-core build does not.
 */

#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* ESP-AMP's API                                                             */
/* ------------------------------------------------------------------------ */

/**
 * Ids of SysInfo entries. User ids are 0x0000..0xfeff; 0xff00..0xffff are
 * reserved for internal services. An id is unique within its pool.
 */
typedef enum {
    SYS_INFO_RESERVED_ID = 0xff00,            /* first reserved id (ESP-AMP's name) */
    SYS_INFO_RESERVED_ID_SW_INTR = 0xff00,    /* reserved for software interrupt (HP) */
    SYS_INFO_RESERVED_ID_EVENT_MAIN = 0xff01, /* reserved for main core event (HP) */
    SYS_INFO_RESERVED_ID_EVENT_SUB = 0xff02,  /* reserved for sub core event (HP) */
    SYS_INFO_RESERVED_ID_VQUEUE = 0xff03,     /* shared queue (packed virtqueue) and buffers (HP) */
    SYS_INFO_RESERVED_ID_SYSTEM = 0xff04,     /* reserved for system service (HP) */
    SYS_INFO_RESERVED_ID_PM = 0xff05,         /* reserved for power management (RTC) */
    SYS_INFO_ID_MAX = 0xffff,                 /* never a valid entry */
} esp_amp_sys_info_id_t;

/** Which shared-memory pool. */
typedef enum {
    SYS_INFO_CAP_HP = 0,  /* HP RAM pool */
    SYS_INFO_CAP_RTC = 1, /* RTC / LP RAM pool (only when the LP core is the sub core) */
} esp_amp_sys_info_cap_t;

/**
 * Allocate a zero-filled, 4-byte aligned block of `size` bytes with id
 * `info_id` in pool `cap` and publish it. Main core only.
 *
 * @retval NULL on any error (reason: esp_amp_sys_info_last_error())
 * @retval pointer to the block as this core sees it
 */
void *esp_amp_sys_info_alloc(uint16_t info_id, uint16_t size, esp_amp_sys_info_cap_t cap);

/**
 * Find the published block with id `info_id` in pool `cap`. If `size` is not
 * NULL, the block's size is stored there.
 *
 * @retval NULL on any error (reason: esp_amp_sys_info_last_error())
 * @retval pointer to the block as this core sees it
 */
void *esp_amp_sys_info_get(uint16_t info_id, uint16_t *size, esp_amp_sys_info_cap_t cap);

/**
 * Main core: format every pool given to esp_amp_sys_info_set_pool().
 * Sub core: attach to (validate) the tables the main core formatted.
 *
 * @retval 0 if successful
 * @retval -1 on error (reason: esp_amp_sys_info_last_error()); a sub core
 *         gets -1 with "no valid table (not ready)" until the main core has
 *         formatted the pool, and may retry. After -1 no pool is open (get
 *         and alloc give "pool absent"), never one of an earlier init; the
 *         pools given to esp_amp_sys_info_set_pool() stay, for the retry.
 *         Needs esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, ...) first: the
 *         Zephyr module's glue does it from the devicetree before main();
 *         bare-metal glue makes that one call itself.
 */
int esp_amp_sys_info_init(void);

/**
 * Print every pool's table (id, size, bus address of each block) through the
 * log sink (esp_amp_sys_info_set_log()) and the Rust `log` crate. On Zephyr
 * the module's glue sets the sink to printk before main(), so this prints to
 * the console by default; on bare metal the platform glue calls
 * esp_amp_sys_info_set_log() once with its console's line printer (without
 * a sink and without the `log` feature nothing is printed).
 */
void esp_amp_sys_info_dump(void);

/* ------------------------------------------------------------------------ */
/* Additions of esp-amp-sysinfo (not in ESP-AMP)                             */
/* ------------------------------------------------------------------------ */

/**
 * Tell the library where pool `cap` is, before esp_amp_sys_info_init(): it
 * is `size` bytes at bus address `bus_addr`, seen by this core at `local`
 * (on the ESP32-C6/C5/P4 `local == (void *)bus_addr`). The platform glue
 * calls it with the devicetree's `reserved-memory` node. `local`, `bus_addr`
 * and `size` must be 16-byte aligned; the memory must stay valid and be used
 * for nothing else. `max_entries` is the table capacity when the main core
 * formats the pool (0: the default, 16); a sub core reads it from the table.
 * A main core refuses a `max_entries` whose table and one 4-byte block do
 * not fit in `size` ("pool too small for its table"). The bus range may end
 * exactly at 4 GiB, not past it.
 * Every call, failed or not, first forgets pool `cap` (its description and
 * the table init opened with it): after a failure the library has no such
 * pool ("pool absent"), never the old one; after a success, call init again.
 *
 * @retval 0 if successful
 * @retval -1 on error (reason: esp_amp_sys_info_last_error())
 */
int esp_amp_sys_info_set_pool(esp_amp_sys_info_cap_t cap, void *local, uint32_t bus_addr, uint32_t size,
                              uint16_t max_entries);

/**
 * Why the most recent call of this API on this core failed: a static,
 * NUL-terminated string, "ok" if it succeeded. Never NULL.
 */
const char *esp_amp_sys_info_last_error(void);

/** Receives one NUL-terminated line (no trailing newline) of log output. */
typedef void (*esp_amp_sys_info_log_fn_t)(const char *line);

/**
 * Send error reasons and esp_amp_sys_info_dump()'s lines to `sink` (e.g. a
 * function calling printk("%s\n", line)); NULL turns it off (the default).
 */
void esp_amp_sys_info_set_log(esp_amp_sys_info_log_fn_t sink);

/**
 * The fence the main core must execute after its last allocation and before
 * the MMIO write that starts the sub core (`fence rw, iorw` on RISC-V).
 */
void esp_amp_sys_info_fence_before_sub_core_start(void);

/* ------------------------------------------------------------------------ */
/* Platform hooks, defined by the platform glue                              */
/* ------------------------------------------------------------------------ */

/*
 * Only when the library is built with the cargo feature
 * `port-critical-section`: the library's allocations and attach run between
 * these two calls. On Zephyr: return irq_lock(); / irq_unlock(state);. On a
 * single-hart sub core without interrupt handlers that use this API they may
 * do nothing. Host builds use the Rust standard library instead.
 */
uint32_t esp_amp_sys_info_port_critical_enter(void);
void esp_amp_sys_info_port_critical_exit(uint32_t state);

#ifdef __cplusplus
}
#endif
