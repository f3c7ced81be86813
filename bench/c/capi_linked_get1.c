/* C size shape: capi_get1 with the `linked-pools` library: the image
 * defines where the pools are (ESP-AMP's sub-core form: init, then get). */
#include "shape.h"
#include "glue.h"

const esp_amp_sys_info_pools_t esp_amp_sys_info_pools = {
    .hp = {(void *)POOL_BASE, POOL_BASE, POOL_SIZE},
};

void _start(void)
{
    while (esp_amp_sys_info_init() != 0) {
    }
    uint16_t size = 0;
    void *p = esp_amp_sys_info_get((uint16_t)g_input[0], &size, (esp_amp_sys_info_cap_t)g_input[1]);
    g_output = (uintptr_t)p + size;
    for (;;) {
    }
}
