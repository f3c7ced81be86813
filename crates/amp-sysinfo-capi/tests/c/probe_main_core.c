/*
 * A minimal bare-metal main-core image using the C API (configure, format,
 * allocate, dump, fence), linked by tests/riscv_link.rs with the riscv32i
 * staticlib (zephyr-lang-rust's ESP32-C6 target) and GNU ld.
 */
#include "esp_amp_sys_info.h"

static unsigned s_irq_state;

uint32_t esp_amp_sys_info_port_critical_enter(void)
{
    return s_irq_state++;
}

void esp_amp_sys_info_port_critical_exit(uint32_t state)
{
    s_irq_state = state;
}

static void sink(const char *line)
{
    (void)line;
}

volatile void *g_block;

void _start(void)
{
    esp_amp_sys_info_set_log(sink);
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, (void *)0x4087c000u, 0x4087c000u, 4096, 0);
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, (void *)0x50003000u, 0x50003000u, 1024, 8);
    if (esp_amp_sys_info_init() == 0) {
        g_block = esp_amp_sys_info_alloc(0x0001, 20, SYS_INFO_CAP_HP);
        esp_amp_sys_info_dump();
        esp_amp_sys_info_fence_before_sub_core_start();
    }
    for (;;) {
    }
}
