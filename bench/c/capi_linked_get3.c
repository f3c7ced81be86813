/* C size shape: capi_get3 with the `linked-pools` library (both pools
 * defined by the image). */
#include "shape.h"
#include "glue.h"
#include "sites3.h"

const esp_amp_sys_info_pools_t esp_amp_sys_info_pools = {
    .hp = {(void *)POOL_BASE, POOL_BASE, POOL_SIZE},
    .rtc = {(void *)RTC_POOL_BASE, RTC_POOL_BASE, RTC_POOL_SIZE},
};

void _start(void)
{
    while (esp_amp_sys_info_init() != 0) {
    }
    uint16_t size = 0;
    void *p = esp_amp_sys_info_get((uint16_t)g_input[0], &size, (esp_amp_sys_info_cap_t)g_input[1]);
    g_output = (uintptr_t)p + size + (uintptr_t)pm() + config();
    for (;;) {
    }
}
