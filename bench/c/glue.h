/*
 * The platform glue a single-hart sub core without interrupt handlers that
 * use the API defines (the library's port-critical-section hooks): nothing
 * to mask. Part of what the C API costs.
 */
#include "esp_amp_sys_info.h"

uint32_t esp_amp_sys_info_port_critical_enter(void)
{
    return 0;
}

void esp_amp_sys_info_port_critical_exit(uint32_t state)
{
    (void)state;
}
