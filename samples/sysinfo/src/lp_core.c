/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sample's access to the ESP32-C6 LP core and to deep sleep. Called
 * from Rust.
 *
 * Design (samples/sysinfo/README.md, "Loading and starting"): upstream's
 * LP-core boot hook is kept OFF (CONFIG_ESP32_ULP_COPROC_ENABLED=n), and
 * this file loads and starts the sample's own LP image after the main core
 * has formatted the pools. With that symbol on, Zephyr's
 * soc_late_init_hook() (soc/espressif/esp32c6/hpcore_init_ulp.c, 4.4-era
 * version; selected by soc/espressif/Kconfig.ulp
 * @0a04bc0d) would load whatever `slot0_lpcore_partition` holds and start
 * it before main() on every boot but a ULP wake-up: an erased or stale
 * partition (an upstream LP image linked for a 0x3c00-byte ulp_ram) would
 * run first and could write into the RTC pool at 0x5000_3800.
 *
 * hal_espressif compiles its loader (components/ulp/lp_core/lp_core.c:
 * ulp_lp_core_load_binary/_run, @08722b00) only under that symbol, so this
 * file does not call it. It uses the same register sequence through hal's
 * header-only LL layer (hal/lp_core_ll.h, static inline functions on the
 * include path of every ESP32-C6 image), as that loader does on the C6 (no
 * LP ROM: ESP_ROM_HAS_LP_ROM is not set in esp_rom_caps.h for esp32c6, so
 * the image goes to LP SRAM at 0x5000_0000 and the core starts at +0x80):
 *   stop:  wake-up sources off, request sleep;
 *   load:  write exactly the image's bytes (hal's loader too
 *          clears "only program size bytes to avoid clearing the shared
 *          memory"; nothing above the image, so not the RTC pool);
 *   start: LP memory not in fast mode (so the LP core can reach it in
 *          sleep), stall and reset at sleep requests, wake-up source HP
 *          CPU, debug module on, then the HP-to-LP trigger.
 *
 * Read, not compiled here: the workspace's Zephyr 4.0 / hal_espressif
 * 07ff57e8 have no LP-core support and no hal/lp_core_ll.h for the C6.
 */

#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <zephyr/kernel.h>

#include <esp_sleep.h>
#include <hal/lp_core_ll.h>

#if defined(CONFIG_ESP32_ULP_COPROC_ENABLED)
#error "samples/sysinfo loads the LP core itself: keep CONFIG_ESP32_ULP_COPROC_ENABLED off (its boot hook would start slot0_lpcore_partition before main)"
#endif

/* LP SRAM as both cores address it; the LP image is linked there (lpcore.x). */
#define LP_SRAM_BASE 0x50000000UL
/* The end of `ulp_ram` after the module's overlay shrinks it (0x3800). */
#define LP_IMAGE_MAX DT_REG_SIZE(DT_NODELABEL(ulp_ram))

/*
 * Stops the LP core, clears and copies the `len` bytes of `image` to the
 * start of LP SRAM, and starts the LP core (wake-up source: the HP core).
 * Only the image's own bytes are written; `len` is at most the size of
 * ulp_ram, which ends where the RTC pool begins, so a retained RTC pool is
 * never touched. Returns 0, or -EINVAL / -EFBIG.
 */
int sysinfo_lp_core_start(const uint8_t *image, size_t len)
{
	if (image == NULL || len == 0) {
		return -EINVAL;
	}
	if (len > LP_IMAGE_MAX) {
		return -EFBIG;
	}

	/* Stop: no wake-up source, and ask the LP core to sleep. */
	lp_core_ll_set_wakeup_source(0);
	lp_core_ll_request_sleep();

	volatile uint8_t *base = (volatile uint8_t *)LP_SRAM_BASE;

	for (size_t i = 0; i < len; i++) {
		base[i] = image[i];
	}

	lp_core_ll_fast_lp_mem_enable(false);
	lp_core_ll_stall_at_sleep_request(true);
	lp_core_ll_rst_at_sleep_enable(true);
	lp_core_ll_set_wakeup_source(LP_CORE_LL_WAKEUP_SOURCE_HP_CPU);
	lp_core_ll_debug_module_enable(true);
	lp_core_ll_hp_wake_lp();
	return 0;
}

#if defined(CONFIG_POWEROFF)
#include <zephyr/sys/poweroff.h>

/*
 * Deep sleep of the HP core for `ms` milliseconds; it wakes through a reset.
 * Only with CONFIG_POWEROFF (tests/sysinfo's SYSINFO_TEST_DEEP_SLEEP
 * selects it); other builds have no sys_poweroff().
 */
void sysinfo_deep_sleep_ms(uint32_t ms)
{
	esp_sleep_enable_timer_wakeup((uint64_t)ms * 1000U);
	sys_poweroff();
}
#else
/* Without CONFIG_POWEROFF: returns at once; the caller reports the failure. */
void sysinfo_deep_sleep_ms(uint32_t ms)
{
	ARG_UNUSED(ms);
}
#endif /* CONFIG_POWEROFF */
