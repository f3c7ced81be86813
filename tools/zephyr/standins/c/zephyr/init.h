/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for <zephyr/init.h>: SYS_INIT with Zephyr's arity; the function
 * must be `int fn(void)`. */
#pragma once
#define SYS_INIT(init_fn, level, prio) \
	static int (*const sys_init_standin_##init_fn)(void) __attribute__((used)) = init_fn
