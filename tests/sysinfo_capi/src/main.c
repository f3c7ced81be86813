/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The module's C API inside a Zephyr image: the glue gave the library the
 * devicetree's pools and formatted them before main() (checked from a
 * SYS_INIT hook that runs after the glue's and before main()), and dump
 * prints through printk by default.
 */

#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <zephyr/devicetree.h>
#include <zephyr/init.h>
#include <zephyr/sys/printk.h>
#include <zephyr/toolchain.h>
#include <zephyr/ztest.h>

#include <esp_amp_sys_info.h>

#define HP_NODE DT_NODELABEL(sysinfo_hp)
#define HP_BASE DT_REG_ADDR(HP_NODE)
#define HP_SIZE DT_REG_SIZE(HP_NODE)

typedef struct {
	char name[16];
	uint32_t age;
} Person_t;

/* The glue's default sink (zephyr/esp_amp_sys_info_zephyr.c). */
void esp_amp_sys_info_zephyr_printk_line(const char *line);

#define BOOT_ID 0x0042

/* What the library gave a caller that ran before main(). */
static void *s_boot_block;
static char s_boot_error[64];

/*
 * Runs at the glue's level, after it (priority 99 > the glue's
 * CONFIG_APPLICATION_INIT_PRIORITY) and before main(): no set_pool or init
 * here, so a block means the glue already configured and formatted the pool.
 */
static int sysinfo_capi_before_main(void)
{
	s_boot_block = esp_amp_sys_info_alloc(BOOT_ID, 4, SYS_INFO_CAP_HP);
	snprintf(s_boot_error, sizeof(s_boot_error), "%s", esp_amp_sys_info_last_error());
	return 0;
}

SYS_INIT(sysinfo_capi_before_main, APPLICATION, 99);

BUILD_ASSERT(CONFIG_APPLICATION_INIT_PRIORITY < 99,
	     "the test's hook must run after the glue's SYS_INIT");

ZTEST_SUITE(sysinfo_capi, NULL, NULL, NULL, NULL, NULL);

ZTEST(sysinfo_capi, test_pools_from_devicetree_before_main)
{
	zassert_not_null(s_boot_block, "alloc before main: %s", s_boot_error);
	zassert_true((uintptr_t)s_boot_block >= HP_BASE &&
			     (uintptr_t)s_boot_block + 4 <= HP_BASE + HP_SIZE,
		     "block %p outside the devicetree pool", s_boot_block);
	zassert_equal_ptr(esp_amp_sys_info_get(BOOT_ID, NULL, SYS_INFO_CAP_HP), s_boot_block);
}

static char s_dump[1024];

static void capture(const char *line)
{
	strncat(s_dump, line, sizeof(s_dump) - strlen(s_dump) - 2);
	strcat(s_dump, "\n");
	esp_amp_sys_info_zephyr_printk_line(line);
}

ZTEST(sysinfo_capi, test_dump_prints_through_printk_by_default)
{
	/* The default sink: these lines appear on the console. */
	esp_amp_sys_info_dump();

	/* The same lines, captured: the devicetree's pool and the boot block. */
	char want[64];

	s_dump[0] = '\0';
	esp_amp_sys_info_set_log(capture);
	esp_amp_sys_info_dump();
	esp_amp_sys_info_set_log(esp_amp_sys_info_zephyr_printk_line);
	snprintf(want, sizeof(want), "sysinfo HP pool @ 0x%08lx, %lu bytes", (unsigned long)HP_BASE,
		 (unsigned long)HP_SIZE);
	zassert_not_null(strstr(s_dump, want), "dump: %s", s_dump);
	zassert_not_null(strstr(s_dump, "id 0x0042"), "dump: %s", s_dump);
}

ZTEST(sysinfo_capi, test_alloc_then_get_inside_the_devicetree_pool)
{
	Person_t *p = esp_amp_sys_info_alloc(0x0001, sizeof(Person_t), SYS_INFO_CAP_HP);

	zassert_not_null(p, "alloc: %s", esp_amp_sys_info_last_error());
	zassert_true((uintptr_t)p >= HP_BASE && (uintptr_t)(p + 1) <= HP_BASE + HP_SIZE,
		     "block %p outside the pool", (void *)p);
	zassert_equal((uintptr_t)p % 4, 0, "block not 4-byte aligned");
	zassert_equal(p->age, 0, "block not zero-filled");
	strcpy(p->name, "Ada Lovelace");
	p->age = 36;

	uint16_t size = 0;
	Person_t *q = esp_amp_sys_info_get(0x0001, &size, SYS_INFO_CAP_HP);

	zassert_equal_ptr(p, q, "get returned another block");
	zassert_equal(size, sizeof(Person_t));
	zassert_equal(q->age, 36);
	zassert_str_equal(esp_amp_sys_info_last_error(), "ok");
}

ZTEST(sysinfo_capi, test_error_paths_return_null_and_say_why)
{
	zassert_not_null(esp_amp_sys_info_alloc(0x0100, 8, SYS_INFO_CAP_HP));
	zassert_is_null(esp_amp_sys_info_alloc(0x0100, 8, SYS_INFO_CAP_HP));
	zassert_str_equal(esp_amp_sys_info_last_error(), "duplicate id in this pool");
	zassert_is_null(esp_amp_sys_info_alloc(0x0101, 0, SYS_INFO_CAP_HP));
	zassert_str_equal(esp_amp_sys_info_last_error(), "size 0");
	zassert_is_null(esp_amp_sys_info_get(0x0bad, NULL, SYS_INFO_CAP_HP));
	zassert_str_equal(esp_amp_sys_info_last_error(), "id not found");
	/* Every id but 0xffff: the reserved range is ESP-AMP's components'. */
	zassert_is_null(esp_amp_sys_info_alloc(SYS_INFO_ID_MAX, 4, SYS_INFO_CAP_HP));
	zassert_str_equal(esp_amp_sys_info_last_error(), "reserved id");
	zassert_not_null(esp_amp_sys_info_alloc(0xff10, 4, SYS_INFO_CAP_HP));
	zassert_is_null(esp_amp_sys_info_alloc(0x0103, 4, (esp_amp_sys_info_cap_t)2));
	zassert_str_equal(esp_amp_sys_info_last_error(),
			  "invalid cap (neither SYS_INFO_CAP_HP nor SYS_INFO_CAP_RTC)");
#if !DT_NODE_HAS_STATUS_OKAY(DT_NODELABEL(sysinfo_rtc))
	zassert_is_null(esp_amp_sys_info_alloc(0x0102, 4, SYS_INFO_CAP_RTC));
	zassert_str_equal(esp_amp_sys_info_last_error(), "pool absent");
#endif
}

ZTEST(sysinfo_capi, test_config_matches_devicetree)
{
	/* Kconfig takes the size from the same node (not typed twice). */
	zassert_equal(CONFIG_ESP_AMP_HP_SHARED_MEM_SIZE, HP_SIZE);
	zassert_equal(CONFIG_ESP_AMP_SYS_INFO_MAX_ENTRIES, 16);
}
