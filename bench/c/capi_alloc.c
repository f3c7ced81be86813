/* C size shape: the main core's side, for comparison: format, one alloc. */
#include "shape.h"
#include "glue.h"

void _start(void)
{
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, (void *)POOL_BASE, POOL_BASE, POOL_SIZE, 0);
    esp_amp_sys_info_init();
    void *p = esp_amp_sys_info_alloc((uint16_t)g_input[0], (uint16_t)g_input[1], (esp_amp_sys_info_cap_t)g_input[2]);
    g_output = (uintptr_t)p;
    for (;;) {
    }
}
