/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for <zephyr/toolchain.h>: BUILD_ASSERT(cond, msg). */
#pragma once
#define BUILD_ASSERT(cond, msg) _Static_assert(cond, msg)
