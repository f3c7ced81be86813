/*
 * A minimal bare-metal sub-core image using the C API the way an ESP-AMP
 * sub core does (configure, attach until ready, look up), linked by
 * tests/riscv_link.rs with the riscv32imac staticlib and GNU ld to check that
 * the library links on its own (no undefined symbols besides the two port
 * hooks defined here) and to measure what it costs.
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

volatile uint32_t g_result;

void _start(void)
{
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, (void *)0x4087c000u, 0x4087c000u, 4096, 0);
    while (esp_amp_sys_info_init() != 0) {
    }
    uint16_t size = 0;
    uint32_t *person = esp_amp_sys_info_get(0x0001, &size, SYS_INFO_CAP_HP);
    g_result = person != 0 ? person[4] + size : 0;
    for (;;) {
    }
}
