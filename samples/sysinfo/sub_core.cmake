# SPDX-License-Identifier: Apache-2.0
#
# The sub core of samples/sysinfo and tests/sysinfo, by board:
# - ESP32-C6: the LP core runs lpcore/ (esp-lp-hal), embedded in the main
#   image and started through hal_espressif's loader (src/lp_core.c);
# - qemu_riscv32: hart 1 of QEMU's virt machine runs sub_hart/ (riscv-rt),
#   loaded by QEMU and started by the main core through the CLINT.
#
#   sysinfo_sub_core_qemu_flags()  before find_package(Zephyr)
#   sysinfo_sub_core(<target>)     after it: the image's target, and the
#                                  main image's sources for it

include(${CMAKE_CURRENT_LIST_DIR}/lpcore/lpcore.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/sub_hart/sub_hart.cmake)

macro(sysinfo_sub_core_qemu_flags)
  if(BOARD MATCHES "^qemu_riscv32")
    sysinfo_sub_hart_qemu_flags()
  endif()
endmacro()

function(sysinfo_sub_core target)
  if(CONFIG_SOC_SERIES_ESP32C6)
    sysinfo_lpcore_image(${target})
    target_sources(app PRIVATE ${SYSINFO_SAMPLE_DIR}/src/lp_core.c)
  elseif(CONFIG_BOARD_QEMU_RISCV32)
    sysinfo_sub_hart_image(${target})
  else()
    message(FATAL_ERROR "${target}: no sub core for board ${BOARD} (ESP32-C6 LP core or qemu_riscv32 hart 1)")
  endif()
endfunction()
