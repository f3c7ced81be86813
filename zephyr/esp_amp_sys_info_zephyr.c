/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Zephyr glue of the C API (CONFIG_ESP_AMP_SYS_INFO_C_API): the critical
 * section the library runs its allocations in, the console as the library's
 * default log sink (so esp_amp_sys_info_dump() prints through printk, as
 * ESP-AMP's does), and the pools of the build's devicetree handed to the
 * library and formatted before main() runs (SYS_INIT, APPLICATION level).
 */

#include <errno.h>
#include <stdint.h>

#include <zephyr/devicetree.h>
#include <zephyr/init.h>
#include <zephyr/irq.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/printk.h>
#include <zephyr/toolchain.h>

#include <esp_amp_sys_info.h>

LOG_MODULE_REGISTER(esp_amp_sys_info, CONFIG_ESP_AMP_SYS_INFO_LOG_LEVEL);

#define SYSINFO_HP_NODE  DT_NODELABEL(sysinfo_hp)
#define SYSINFO_RTC_NODE DT_NODELABEL(sysinfo_rtc)

/* Table capacity: the node's `max-entries`, else the Kconfig default. */
#define SYSINFO_MAX_ENTRIES(node) DT_PROP_OR(node, max_entries, CONFIG_ESP_AMP_SYS_INFO_MAX_ENTRIES)

uint32_t esp_amp_sys_info_port_critical_enter(void)
{
	return (uint32_t)irq_lock();
}

void esp_amp_sys_info_port_critical_exit(uint32_t state)
{
	irq_unlock((unsigned int)state);
}

/*
 * The library's dump lines and error reasons go to the console: the default
 * sink, set before anything else. Not static, so that an application (or the
 * module's test) that installs its own sink can put this one back.
 */
void esp_amp_sys_info_zephyr_printk_line(const char *line);

void esp_amp_sys_info_zephyr_printk_line(const char *line)
{
	printk("%s\n", line);
}

static int esp_amp_sys_info_set_node(esp_amp_sys_info_cap_t cap, const char *name, uintptr_t addr,
				     uint32_t size, uint16_t max_entries)
{
	/* The ESP32-C6/C5/P4 cores see the pools at their bus address. */
	if (esp_amp_sys_info_set_pool(cap, (void *)addr, (uint32_t)addr, size, max_entries) != 0) {
		LOG_ERR("pool %s (0x%08lx, %u bytes): %s", name, (unsigned long)addr, size,
			esp_amp_sys_info_last_error());
		return -EINVAL;
	}
	return 0;
}

static int esp_amp_sys_info_zephyr_init(void)
{
	int err;

	esp_amp_sys_info_set_log(esp_amp_sys_info_zephyr_printk_line);

	err = esp_amp_sys_info_set_node(SYS_INFO_CAP_HP, DT_NODE_FULL_NAME(SYSINFO_HP_NODE),
					DT_REG_ADDR(SYSINFO_HP_NODE), DT_REG_SIZE(SYSINFO_HP_NODE),
					SYSINFO_MAX_ENTRIES(SYSINFO_HP_NODE));
	if (err != 0) {
		return err;
	}

#if DT_NODE_HAS_STATUS_OKAY(SYSINFO_RTC_NODE)
	err = esp_amp_sys_info_set_node(SYS_INFO_CAP_RTC, DT_NODE_FULL_NAME(SYSINFO_RTC_NODE),
					DT_REG_ADDR(SYSINFO_RTC_NODE), DT_REG_SIZE(SYSINFO_RTC_NODE),
					SYSINFO_MAX_ENTRIES(SYSINFO_RTC_NODE));
	if (err != 0) {
		/* The library now has no RTC pool and no open HP pool: main()
		 * sees "pool absent", never a half-configured state.
		 */
		return err;
	}
#endif

	/* Formats the pools: runs before main(), so before any sub core is
	 * started by the application.
	 */
	if (esp_amp_sys_info_init() != 0) {
		LOG_ERR("init: %s", esp_amp_sys_info_last_error());
		return -EIO;
	}
	return 0;
}

BUILD_ASSERT(DT_NODE_HAS_STATUS_OKAY(SYSINFO_HP_NODE),
	     "esp-amp-sysinfo: the devicetree needs an enabled HP pool labelled sysinfo_hp");

SYS_INIT(esp_amp_sys_info_zephyr_init, APPLICATION, CONFIG_APPLICATION_INIT_PRIORITY);
