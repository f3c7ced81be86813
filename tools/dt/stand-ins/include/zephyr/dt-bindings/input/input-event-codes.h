/* Stand-in (esp-amp-sysinfo tools/dt): the one macro the board DTS uses. */
#ifndef SYSINFO_STANDIN_INPUT_EVENT_CODES_H
#define SYSINFO_STANDIN_INPUT_EVENT_CODES_H
#define INPUT_KEY_0 11
#endif
