# SPDX-License-Identifier: Apache-2.0
#
# Builds the LP-core image (this directory's crate) for the current Zephyr
# build: cargo for riscv32imac-unknown-none-elf with the main image's final
# devicetree (SYSINFO_DTS = ZEPHYR_DTS, so both images take their pools from
# one devicetree), then a flat binary for hal_espressif's loader, then the
# devicetree generator's check that no section of the image is in a pool.
#
#   sysinfo_lpcore_image(<target>)
#
# defines the custom target <target>; its outputs are
# ${CMAKE_CURRENT_BINARY_DIR}/lpcore/sysinfo-lpcore{,.bin}.

set(SYSINFO_LPCORE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(sysinfo_lpcore_image target)
  if(NOT CONFIG_SOC_SERIES_ESP32C6)
    message(FATAL_ERROR "${target}: the LP-core image is for the ESP32-C6 (esp-lp-hal feature esp32c6)")
  endif()
  find_program(SYSINFO_CARGO cargo REQUIRED)

  set(rust_target riscv32imac-unknown-none-elf)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/lpcore)
  set(target_dir ${out_dir}/target)
  set(elf ${target_dir}/${rust_target}/release/sysinfo-lpcore)
  set(bin ${out_dir}/sysinfo-lpcore.bin)
  # Never created: cargo runs on every build and decides what to rebuild.
  set(always_run ${out_dir}/always-run-cargo.stamp)

  add_custom_command(
    OUTPUT ${always_run}
    BYPRODUCTS ${elf} ${bin}
    COMMAND ${CMAKE_COMMAND} -E env
      SYSINFO_DTS=${ZEPHYR_DTS}
      SYSINFO_LP_RAM=ulp_ram
      ${SYSINFO_CARGO} build --release
        --manifest-path ${SYSINFO_LPCORE_DIR}/Cargo.toml
        --target ${rust_target}
        --target-dir ${target_dir}
    # .bss goes into the binary as zeros (no reliance on the loader clearing it).
    COMMAND ${CMAKE_OBJCOPY} -O binary --set-section-flags .bss=alloc,load,contents ${elf} ${bin}
    COMMAND ${SYSINFO_CARGO} run --quiet --release
      --manifest-path ${ZEPHYR_ESP_AMP_SYSINFO_MODULE_DIR}/Cargo.toml
      --package amp-sysinfo-dt
      --target-dir ${CMAKE_BINARY_DIR}/esp_amp_sys_info/host
      --
      check-elf --dts ${ZEPHYR_DTS} --elf ${elf}
    WORKING_DIRECTORY ${SYSINFO_LPCORE_DIR}
    COMMENT "Building the LP-core image (sysinfo-lpcore)"
    USES_TERMINAL
  )
  add_custom_target(${target} DEPENDS ${always_run})
endfunction()
