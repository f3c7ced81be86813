# SPDX-License-Identifier: Apache-2.0
#
# The sub-hart image (this directory's crate) for qemu_riscv32: cargo for
# riscv32imac-unknown-none-elf with the main image's final devicetree
# (SYSINFO_DTS = ZEPHYR_DTS, so both images take their pools from one
# devicetree), then the devicetree generator's check that no section of the
# image is in a pool. QEMU's generic loader puts the ELF in memory and starts
# hart 1 at its entry.
#
#   sysinfo_sub_hart_qemu_flags()   before find_package(Zephyr): the QEMU
#                                   flags (Zephyr defines its run targets
#                                   inside find_package)
#   sysinfo_sub_hart_image(<target>)  the custom target that builds the image

set(SYSINFO_SUB_HART_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SYSINFO_SUB_HART_ELF
  ${CMAKE_BINARY_DIR}/sub_hart/target/riscv32imac-unknown-none-elf/release/sysinfo-sub-hart)

macro(sysinfo_sub_hart_qemu_flags)
  # Two harts; hart 1 starts at the sub image's entry.
  list(APPEND QEMU_EXTRA_FLAGS -smp 2 -device loader,file=${SYSINFO_SUB_HART_ELF},cpu-num=1)
endmacro()

function(sysinfo_sub_hart_image target)
  find_program(SYSINFO_CARGO cargo REQUIRED)
  set(out_dir ${CMAKE_BINARY_DIR}/sub_hart)
  # Never created: cargo runs on every build and decides what to rebuild.
  set(always_run ${out_dir}/always-run-cargo.stamp)
  add_custom_command(
    OUTPUT ${always_run}
    BYPRODUCTS ${SYSINFO_SUB_HART_ELF}
    COMMAND ${CMAKE_COMMAND} -E env
      SYSINFO_DTS=${ZEPHYR_DTS}
      SYSINFO_SUB_RAM=sysinfo_sub_ram
      ${SYSINFO_CARGO} build --release
        --manifest-path ${SYSINFO_SUB_HART_DIR}/Cargo.toml
        --target riscv32imac-unknown-none-elf
        --target-dir ${out_dir}/target
    COMMAND ${SYSINFO_CARGO} run --quiet --release
      --manifest-path ${ZEPHYR_ESP_AMP_SYSINFO_MODULE_DIR}/Cargo.toml
      --package amp-sysinfo-dt
      --target-dir ${CMAKE_BINARY_DIR}/esp_amp_sys_info/host
      --
      check-elf --dts ${ZEPHYR_DTS} --elf ${SYSINFO_SUB_HART_ELF}
    WORKING_DIRECTORY ${SYSINFO_SUB_HART_DIR}
    COMMENT "Building the sub-hart image (sysinfo-sub-hart)"
    USES_TERMINAL
  )
  add_custom_target(${target} DEPENDS ${always_run})
endfunction()
