/* Stand-in (esp-amp-sysinfo tools/dt): the pinmux macros the hpcore pinctrl
 * dtsi uses, all with the PLACEHOLDER value 0 (the pool checks never read
 * pinmux values). The lpcore chain includes this file but uses none. */
#ifndef SYSINFO_STANDIN_ESP32C6_PINCTRL_H
#define SYSINFO_STANDIN_ESP32C6_PINCTRL_H
#define I2C0_SCL_GPIO7 0
#define I2C0_SDA_GPIO6 0
#define I2S_I_BCK_GPIO22 0
#define I2S_I_SD_GPIO23 0
#define I2S_I_WS_GPIO21 0
#define I2S_MCLK_GPIO5 0
#define I2S_O_BCK_GPIO7 0
#define I2S_O_SD_GPIO8 0
#define I2S_O_WS_GPIO6 0
#define SPIM2_CSEL_GPIO10 0
#define SPIM2_MISO_GPIO2 0
#define SPIM2_MOSI_GPIO7 0
#define SPIM2_SCLK_GPIO6 0
#define UART0_RX_GPIO17 0
#define UART0_TX_GPIO16 0
#endif
