/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sample's access to the ESP32-C6 LP core and to deep sleep, through
 * hal_espressif's C API (the functions Zephyr's own LP-core loader,
 * soc/espressif/esp32c6/hpcore_init_ulp.c, uses). Called from Rust.
 */

#include <stddef.h>
#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/poweroff.h>

#include <esp_sleep.h>
#include "ulp_lp_core.h"

/*
 * Stops the LP core, zeroes its reservation (the devicetree's ulp_ram:
 * CONFIG_ESP32_ULP_COPROC_RESERVE_MEM bytes from the start of LP SRAM),
 * copies the `len` bytes of `image` there, and starts the LP core (wake-up
 * source: the HP core). The overlay shrinks ulp_ram to end where the RTC
 * pool begins, so neither the clearing nor the copy touches a pool.
 */
int sysinfo_lp_core_start(const uint8_t *image, size_t len)
{
	esp_err_t err = ulp_lp_core_load_binary(image, len);

	if (err != ESP_OK) {
		return (int)err;
	}

	ulp_lp_core_cfg_t cfg = {
		.wakeup_source = ULP_LP_CORE_WAKEUP_SOURCE_HP_CPU,
	};

	return (int)ulp_lp_core_run(&cfg);
}

/* Deep sleep of the HP core for `ms` milliseconds; it wakes through a reset. */
void sysinfo_deep_sleep_ms(uint32_t ms)
{
	esp_sleep_enable_timer_wakeup((uint64_t)ms * 1000U);
	sys_poweroff();
}
