/*
 * probe_sub_core.c for the `linked-pools` library: the image defines where
 * the pool is and runs ESP-AMP's sub-core calls unchanged (init until
 * ready, then get), with no esp_amp_sys_info_set_pool() (which this
 * library does not define). Linked by tests/riscv_link.rs and by
 * `cargo xtask nopanic`; with -DPROBE_WITHOUT_POOLS, by riscv_link.rs to
 * check that leaving out the object is a link error naming it.
 */
#include "esp_amp_sys_info.h"

/* Single hart, no interrupt handler uses the API: nothing to mask. */
uint32_t esp_amp_sys_info_port_critical_enter(void)
{
    return 0;
}

void esp_amp_sys_info_port_critical_exit(uint32_t state)
{
    (void)state;
}

/* -DPROBE_WITHOUT_POOLS: the image forgets the object (must not link). */
#ifndef PROBE_WITHOUT_POOLS
const esp_amp_sys_info_pools_t esp_amp_sys_info_pools = {
    .hp = {(void *)0x4087c000u, 0x4087c000u, 4096},
};
#endif

volatile uint32_t g_result;

void _start(void)
{
    while (esp_amp_sys_info_init() != 0) {
    }
    uint16_t size = 0;
    uint32_t *person = esp_amp_sys_info_get(0x0001, &size, SYS_INFO_CAP_HP);
    g_result = person != 0 ? person[4] + size : 0;
    for (;;) {
    }
}
