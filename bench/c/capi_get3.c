/* C size shape: a lookup-only sub core with three lookup sites (one in the
 * RTC pool, so both pools are set). */
#include "shape.h"
#include "glue.h"
#include "sites3.h"

void _start(void)
{
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, (void *)POOL_BASE, POOL_BASE, POOL_SIZE, 0);
    esp_amp_sys_info_set_pool(SYS_INFO_CAP_RTC, (void *)RTC_POOL_BASE, RTC_POOL_BASE, RTC_POOL_SIZE, 0);
    while (esp_amp_sys_info_init() != 0) {
    }
    uint16_t size = 0;
    void *p = esp_amp_sys_info_get((uint16_t)g_input[0], &size, (esp_amp_sys_info_cap_t)g_input[1]);
    g_output = (uintptr_t)p + size + (uintptr_t)pm() + config();
    for (;;) {
    }
}
