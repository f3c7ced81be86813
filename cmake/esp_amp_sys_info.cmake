# SPDX-License-Identifier: Apache-2.0
#
# CMake helpers of the esp-amp-sysinfo Zephyr module: building the C API
# static library with cargo, and the post-build pool check.

get_filename_component(ESP_AMP_SYS_INFO_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(ESP_AMP_SYS_INFO_DIR "${ESP_AMP_SYS_INFO_DIR}" CACHE INTERNAL "esp-amp-sysinfo module root")

find_program(ESP_AMP_SYS_INFO_CARGO cargo REQUIRED)

# The Rust target for this image's CPU. Same mapping as zephyr-lang-rust's
# _rust_map_target() (its CMakeLists.txt) for the boards this module
# supports, so that a C application and a Rust application of one board
# compile the core for the same target: every RV32 Zephyr target (ESP32-C6,
# ESP32-C5, ESP32-P4 HP cores, qemu_riscv32) is riscv32i-unknown-none-elf.
function(esp_amp_sys_info_rust_target out_var)
  if(CONFIG_RISCV_ISA_RV32I)
    set(${out_var} "riscv32i-unknown-none-elf" PARENT_SCOPE)
  elseif(CONFIG_RISCV_ISA_RV64I)
    set(${out_var} "riscv64imac-unknown-none-elf" PARENT_SCOPE)
  else()
    message(FATAL_ERROR
      "esp-amp-sysinfo: no Rust target for this board's CPU (supported: RISC-V RV32I/RV64I). "
      "Disable CONFIG_ESP_AMP_SYS_INFO_C_API or add the mapping in ${CMAKE_CURRENT_FUNCTION_LIST_FILE}.")
  endif()
endfunction()

# Defines the imported library `esp_amp_sys_info_capi`: crates/amp-sysinfo-capi
# (staticlib) built for this board with cargo. Cargo runs on every build (it
# is cheap when nothing changed) and decides itself what to rebuild.
function(esp_amp_sys_info_capi_library)
  esp_amp_sys_info_rust_target(rust_target)
  set(target_dir "${CMAKE_BINARY_DIR}/esp_amp_sys_info/target")
  set(staticlib "${target_dir}/${rust_target}/release/libamp_sysinfo_capi.a")
  # Critical sections through the glue's irq_lock()/irq_unlock()
  # (zephyr/esp_amp_sys_info_zephyr.c); the default features keep the
  # library's panic handler, which a Rust staticlib alone in a C image needs,
  # and the failure lines (`log-failures`), which
  # CONFIG_ESP_AMP_SYS_INFO_C_API_LOG_FAILURES=n leaves out.
  if(CONFIG_ESP_AMP_SYS_INFO_C_API_LOG_FAILURES)
    set(features --features port-critical-section)
  else()
    set(features --no-default-features --features panic-handler,port-critical-section)
  endif()
  # A file that is never created: makes the custom command run every time.
  set(always_run "${CMAKE_BINARY_DIR}/esp_amp_sys_info/always-run-cargo.stamp")

  add_custom_command(
    OUTPUT ${always_run}
    BYPRODUCTS ${staticlib}
    COMMAND ${ESP_AMP_SYS_INFO_CARGO} build
      --release
      --manifest-path ${ESP_AMP_SYS_INFO_DIR}/Cargo.toml
      --package amp-sysinfo-capi
      ${features}
      --target ${rust_target}
      --target-dir ${target_dir}
    WORKING_DIRECTORY ${ESP_AMP_SYS_INFO_DIR}
    COMMENT "esp-amp-sysinfo: building the C API for ${rust_target}"
    USES_TERMINAL
  )
  add_custom_target(esp_amp_sys_info_capi_build DEPENDS ${always_run})

  add_library(esp_amp_sys_info_capi STATIC IMPORTED GLOBAL)
  set_target_properties(esp_amp_sys_info_capi PROPERTIES IMPORTED_LOCATION ${staticlib})
  add_dependencies(esp_amp_sys_info_capi esp_amp_sys_info_capi_build)
endfunction()

# After zephyr.elf is linked: (1) the devicetree generator checks that no
# allocated section of the image overlaps a pool of the build's devicetree;
# (2) esp_amp_sys_info_check_heap.cmake checks that no heap without a
# section reaches into a pool: the ESP runtime heap (_end.._heap_sentry), and
# the C library's arena when it runs to the end of zephyr,sram. Zephyr's ESP32
# linker scripts size RAM from soc/espressif/<soc>/memory.h and do not
# honour reserved-memory nodes: see docs/zephyr.md.
function(esp_amp_sys_info_check_pools)
  set(host_dir "${CMAKE_BINARY_DIR}/esp_amp_sys_info/host")
  set(elf "${ZEPHYR_BINARY_DIR}/${KERNEL_ELF_NAME}")

  # The pools, from the devicetree (Zephyr's dt_* CMake API).
  set(pools)
  foreach(label sysinfo_hp sysinfo_rtc)
    dt_nodelabel(path NODELABEL ${label})
    if(DEFINED path)
      dt_node_has_status(okay PATH ${path} STATUS okay)
      if(okay)
        dt_reg_addr(addr PATH ${path})
        dt_reg_size(size PATH ${path})
        # ',' between pools: a ';' would split the command's argument.
        if(pools)
          string(APPEND pools ",")
        endif()
        string(APPEND pools "${label}:${addr}:${size}")
      endif()
    endif()
  endforeach()

  # Heaps without a section that run from `_end` to the end of
  # /chosen zephyr,sram (CONFIG_SRAM_BASE_ADDRESS + CONFIG_SRAM_SIZE KiB) on
  # every architecture but Xtensa, where they stop at _heap_sentry:
  #  - the common C library's malloc arena of size -1
  #    (lib/libc/common/source/stdlib/malloc.c, v4.0.0 and @01becbb2);
  #  - newlib's sbrk heap (lib/libc/newlib/libc-hooks.c, v4.0.0).
  # A sized arena is a static array in .noinit: check-elf covers it.
  set(to_sram_end)
  if(NOT CONFIG_XTENSA AND NOT CONFIG_MMU)
    if(CONFIG_COMMON_LIBC_MALLOC AND DEFINED CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE
       AND CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE LESS 0)
      list(APPEND to_sram_end "common-libc-malloc-arena")
    endif()
    if(CONFIG_NEWLIB_LIBC AND NOT CONFIG_NEWLIB_LIBC_ALIGNED_HEAP_SIZE)
      list(APPEND to_sram_end "newlib-sbrk-heap")
    endif()
  endif()
  string(REPLACE ";" "," to_sram_end "${to_sram_end}")
  set(sram_end 0)
  if(DEFINED CONFIG_SRAM_BASE_ADDRESS AND DEFINED CONFIG_SRAM_SIZE)
    math(EXPR sram_end "${CONFIG_SRAM_BASE_ADDRESS} + ${CONFIG_SRAM_SIZE} * 1024" OUTPUT_FORMAT HEXADECIMAL)
  endif()

  set_property(GLOBAL APPEND PROPERTY extra_post_build_commands
    COMMAND ${CMAKE_COMMAND} -E echo "esp-amp-sysinfo: checking ${KERNEL_ELF_NAME} against the pools of ${ZEPHYR_DTS}"
    COMMAND ${ESP_AMP_SYS_INFO_CARGO} run --quiet --release
      --manifest-path ${ESP_AMP_SYS_INFO_DIR}/Cargo.toml
      --package amp-sysinfo-dt
      --target-dir ${host_dir}
      --
      check-elf --dts ${ZEPHYR_DTS} --elf ${elf}
    COMMAND ${CMAKE_COMMAND}
      -DELF=${elf}
      -DNM=${CMAKE_NM}
      "-DPOOLS=${pools}"
      "-DHEAPS_TO_SRAM_END=${to_sram_end}"
      -DSRAM_END=${sram_end}
      -P ${ESP_AMP_SYS_INFO_DIR}/cmake/esp_amp_sys_info_check_heap.cmake
  )
endfunction()
