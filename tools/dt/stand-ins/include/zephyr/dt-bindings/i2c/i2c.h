/* Stand-in (esp-amp-sysinfo tools/dt): the one macro the board DTS uses. */
#ifndef SYSINFO_STANDIN_I2C_H
#define SYSINFO_STANDIN_I2C_H
#define I2C_BITRATE_FAST 400000
#endif
