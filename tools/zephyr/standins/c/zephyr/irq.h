/* SPDX-License-Identifier: Apache-2.0 */
/* Stand-in for <zephyr/irq.h>: Zephyr's irq_lock/irq_unlock signatures. */
#pragma once
unsigned int irq_lock(void);
void irq_unlock(unsigned int key);
