/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Runs samples/sysinfo_c/src/main.c on the host, to match its console output
 * against samples/sysinfo_c/sample.yaml. Does what the module's Zephyr glue
 * (zephyr/esp_amp_sys_info_zephyr.c) does before main(): hand the library
 * the pool (here a static buffer standing in for the devicetree node), send
 * its lines to the console, format. The sample's main() is compiled as
 * sysinfo_c_main (-Dmain=sysinfo_c_main); printk is printf.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <esp_amp_sys_info.h>

int sysinfo_c_main(void);

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void log_line(const char *line)
{
	printk("%s\n", line);
}

/* The HP pool: 0x1f50 bytes, like the samples' devicetree node. */
static _Alignas(16) uint8_t hp_pool[0x1f50];

int main(void)
{
	esp_amp_sys_info_set_log(log_line);
	if (esp_amp_sys_info_set_pool(SYS_INFO_CAP_HP, hp_pool, 0x4087c610, sizeof(hp_pool), 16) != 0 ||
	    esp_amp_sys_info_init() != 0) {
		printk("glue: %s\n", esp_amp_sys_info_last_error());
		return 1;
	}
	return sysinfo_c_main() == 0 ? 0 : 1;
}
