/*
 * Scaffolding of the C size shapes (linked, measured, never run): an opaque
 * input, a live output, an entry point. Every shape includes it, so what a
 * shape adds over base.c is what the C API costs it.
 */
#include <stdint.h>

volatile uint32_t g_input[4];
volatile uintptr_t g_output;

/* The devicetree's HP pool, as a sub core's glue passes it. */
#define POOL_BASE 0x80100000u
#define POOL_SIZE 0x4000u
/* An RTC pool, for the shapes whose image names both pools. */
#define RTC_POOL_BASE 0x50002000u
#define RTC_POOL_SIZE 0x800u
