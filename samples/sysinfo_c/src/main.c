/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * samples/sysinfo_c: the specification's main-core snippet as a Zephyr C application
 * on the module's C API. The module formatted the devicetree's pools before
 * main(); this allocates the specification's Person_t, fills it, looks it up again by
 * id as a sub core would, shows two error paths and dumps the table.
 */

#include <stdint.h>
#include <string.h>

#include <zephyr/kernel.h>

#include <esp_amp_sys_info.h>

#define SYS_INFO_ID_PERSON_1 0x0001

typedef struct {
	char name[16];
	uint32_t age;
} Person_t;

int main(void)
{
	/* The specification's snippet. */
	Person_t *person = (Person_t *)esp_amp_sys_info_alloc(SYS_INFO_ID_PERSON_1, sizeof(Person_t),
							      SYS_INFO_CAP_HP);
	if (person == NULL) {
		printk("alloc failed: %s\n", esp_amp_sys_info_last_error());
		return -1;
	}
	strncpy(person->name, "Ada Lovelace", sizeof(person->name) - 1);
	person->age = 36;
	printk("allocated Person_t (id 0x%04x, %u bytes) at %p\n", SYS_INFO_ID_PERSON_1,
	       (unsigned int)sizeof(Person_t), (void *)person);

	/* What the sub core does (the specification's sub-core snippet). */
	uint16_t size = 0;
	Person_t *found = (Person_t *)esp_amp_sys_info_get(SYS_INFO_ID_PERSON_1, &size, SYS_INFO_CAP_HP);

	if (found == NULL || size != sizeof(Person_t)) {
		printk("lookup failed: %s\n", esp_amp_sys_info_last_error());
		return -1;
	}
	printk("Person name: %s\n", found->name);
	printk("Person age: %d\n", (int)found->age);

	/* Error paths: each returns NULL and says why. */
	if (esp_amp_sys_info_alloc(SYS_INFO_ID_PERSON_1, 4, SYS_INFO_CAP_HP) == NULL) {
		printk("duplicate id refused: %s\n", esp_amp_sys_info_last_error());
	}
	if (esp_amp_sys_info_get(0x0bad, NULL, SYS_INFO_CAP_HP) == NULL) {
		printk("unknown id: %s\n", esp_amp_sys_info_last_error());
	}

	esp_amp_sys_info_dump();
	printk("sysinfo_c sample: done\n");
	return 0;
}
