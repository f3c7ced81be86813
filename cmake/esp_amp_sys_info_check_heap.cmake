# SPDX-License-Identifier: Apache-2.0
#
# Post-build check (cmake -P): the heap that Zephyr's ESP32 ports may grow
# from the end of the image (`_end`) up to `_heap_sentry` (= DRAM_USER_END in
# soc/espressif/<soc>/default.ld) must not reach into a SysInfo pool. The
# ELF's sections are checked by `amp-sysinfo-dt check-elf`; this covers the
# memory the image uses without a section.
#
# It also checks the C library heaps that run from `_end` to the end of
# /chosen zephyr,sram (everywhere but Xtensa; see esp_amp_sys_info.cmake):
# HEAPS_TO_SRAM_END names them (',' separated), SRAM_END is that end.
#
# Inputs (-D): ELF, NM (the toolchain's nm), POOLS ("name:0xaddr:0xsize"
# entries separated by ','); optional HEAPS_TO_SRAM_END, SRAM_END.

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

symbol_value(end_sym _end)
symbol_value(sentry_sym _heap_sentry)
string(REPLACE "," ";" POOLS "${POOLS}")

# check_range(<heap description> <start> <end> <what to do>)
function(check_range what heap_start heap_end todo)
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
        "esp-amp-sysinfo: pool ${name} (${addr}, ${size} bytes) lies in ${what} ${hs}..${he}; "
        "the image may hand that memory out at run time. ${todo}")
    endif()
  endforeach()
  math(EXPR hs "${heap_start}" OUTPUT_FORMAT HEXADECIMAL)
  math(EXPR he "${heap_end}" OUTPUT_FORMAT HEXADECIMAL)
  message(STATUS "esp-amp-sysinfo: pools clear of the heap range ${hs}..${he} (${what})")
endfunction()

if(DEFINED end_sym AND DEFINED sentry_sym)
  math(EXPR heap_start "${end_sym}")
  math(EXPR heap_end "${sentry_sym}")
  check_range("the image's heap range (_end.._heap_sentry)" ${heap_start} ${heap_end}
    "Move the pool above _heap_sentry (on the ESP32-C6: 0x4087c610..0x4087e610, see docs/pools.md) in the board overlay.")
else()
  message(STATUS "esp-amp-sysinfo: no _end/_heap_sentry in ${ELF}: no ESP runtime heap to check")
endif()

if(DEFINED HEAPS_TO_SRAM_END AND NOT HEAPS_TO_SRAM_END STREQUAL "")
  string(REPLACE "," ";" heaps "${HEAPS_TO_SRAM_END}")
  if(NOT DEFINED end_sym)
    message(FATAL_ERROR "esp-amp-sysinfo: ${ELF} has no _end symbol; cannot check ${HEAPS_TO_SRAM_END}")
  endif()
  math(EXPR heap_start "${end_sym}")
  math(EXPR heap_end "${SRAM_END}")
  foreach(heap IN LISTS heaps)
    if(heap STREQUAL "common-libc-malloc-arena")
      set(todo "Bound it: CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE=16384 (the module's default; any size > 0 puts the arena in .noinit), see docs/zephyr.md.")
      set(what "the C library's malloc arena (CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE=-1: _end..end of zephyr,sram)")
    else()
      set(todo "Use picolibc (the default) with a bounded CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE, or shrink the zephyr,sram node below the pool, see docs/zephyr.md.")
      set(what "newlib's sbrk heap (_end..end of zephyr,sram)")
    endif()
    if(heap_start LESS heap_end)
      check_range("${what}" ${heap_start} ${heap_end} "${todo}")
    endif()
  endforeach()
endif()
