/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The module's C API inside a Zephyr image: the glue gave the library the
 * devicetree's pools and formatted them before the tests run.
 */

#include <stdint.h>
#include <string.h>

#include <zephyr/devicetree.h>
#include <zephyr/ztest.h>

#include <esp_amp_sys_info.h>

#define HP_NODE DT_NODELABEL(sysinfo_hp)
#define HP_BASE DT_REG_ADDR(HP_NODE)
#define HP_SIZE DT_REG_SIZE(HP_NODE)

typedef struct {
	char name[16];
	uint32_t age;
} Person_t;

ZTEST_SUITE(sysinfo_capi, NULL, NULL, NULL, NULL, NULL);

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
	zassert_is_null(esp_amp_sys_info_alloc(0xff10, 4, SYS_INFO_CAP_HP));
	zassert_str_equal(esp_amp_sys_info_last_error(), "reserved id");
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
