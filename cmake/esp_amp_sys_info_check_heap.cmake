# SPDX-License-Identifier: Apache-2.0
#
# Post-build check (cmake -P): the heap that Zephyr's ESP32 ports may grow
# from the end of the image (`_end`) up to `_heap_sentry` (= DRAM_USER_END in
# soc/espressif/<soc>/default.ld) must not reach into a SysInfo pool. The
# ELF's sections are checked by `amp-sysinfo-dt check-elf`; this covers the
# memory the image uses without a section.
#
# Inputs (-D): ELF, NM (the toolchain's nm), POOLS ("name:0xaddr:0xsize"
# entries separated by ',').

foreach(var ELF NM POOLS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "esp_amp_sys_info_check_heap.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "esp-amp-sysinfo: `${NM} ${ELF}` failed (${rc})")
endif()

function(symbol_value out name)
  if(symbols MATCHES "(^|\n)([0-9a-fA-F]+) [A-Za-z] ${name}(\n|$)")
    set(${out} "0x${CMAKE_MATCH_2}" PARENT_SCOPE)
  else()
    unset(${out} PARENT_SCOPE)
  endif()
endfunction()

symbol_value(heap_start _end)
symbol_value(heap_end _heap_sentry)
if(NOT DEFINED heap_start OR NOT DEFINED heap_end)
  message(STATUS "esp-amp-sysinfo: no _end/_heap_sentry in ${ELF}: no runtime heap to check")
  return()
endif()
math(EXPR heap_start "${heap_start}")
math(EXPR heap_end "${heap_end}")

string(REPLACE "," ";" POOLS "${POOLS}")
foreach(pool IN LISTS POOLS)
  string(REPLACE ":" ";" fields "${pool}")
  list(GET fields 0 name)
  list(GET fields 1 addr)
  list(GET fields 2 size)
  math(EXPR start "${addr}")
  math(EXPR end "${addr} + ${size}")
  if(start LESS heap_end AND heap_start LESS end)
    math(EXPR hs "${heap_start}" OUTPUT_FORMAT HEXADECIMAL)
    math(EXPR he "${heap_end}" OUTPUT_FORMAT HEXADECIMAL)
    message(FATAL_ERROR
      "esp-amp-sysinfo: pool ${name} (${addr}, ${size} bytes) lies in the image's heap range "
      "${hs}..${he} (_end.._heap_sentry). Zephyr may hand that memory out at run time. "
      "Move the pool above _heap_sentry (on the ESP32-C6: 0x4087c610..0x4087e610, "
      "see docs/zephyr.md) in the board overlay.")
  endif()
endforeach()
message(STATUS "esp-amp-sysinfo: pools clear of the heap range ${heap_start}..${heap_end}")
