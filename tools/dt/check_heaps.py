#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The module's post-build heap check (cmake/esp_amp_sys_info_check_heap.cmake)
against every heap without a section that can reach a pool, in CMake script
mode on small rv32 ELFs shaped like ESP32-C6 images:

  - the ESP runtime heap _end.._heap_sentry;
  - the common C library's malloc arena with COMMON_LIBC_MALLOC_ARENA_SIZE=-1
    and newlib's sbrk heap, both _end..end of /chosen zephyr,sram on RISC-V
    (lib/libc/common/source/stdlib/malloc.c, lib/libc/newlib/libc-hooks.c).
    With Zephyr 4.4's ESP32-C6 zephyr,sram (sramhp, 512 KiB) that end is
    0x4088_0000, above the module's HP pool: the check must refuse it.

usage: check_heaps.py CMAKE GCC NM MODULE_ROOT
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HP_POOL = "sysinfo_hp:0x4087c610:0x1f50"


def elf(gcc, out):
    src = out.with_suffix(".s")
    src.write_text(".text\n.globl _start\n_start:\n  j _start\n")
    ld = out.with_suffix(".ld")
    ld.write_text("SECTIONS { .text 0x40800000 : { *(.text) } }\n_end = 0x40820000;\n_heap_sentry = 0x4087c610;\n")
    subprocess.run([gcc, "-march=rv32i", "-mabi=ilp32", "-nostdlib", "-T", ld, "-o", out, src], check=True)
    return out


def main(argv):
    cmake, gcc, nm, root = argv[1:5]
    script = Path(root) / "cmake" / "esp_amp_sys_info_check_heap.cmake"
    cases = [
        # (name, heaps to the end of zephyr,sram, SRAM end, must pass, text)
        ("ESP heap only: pool above _heap_sentry passes", "", "0x40880000", True, "clear of the heap range"),
        ("4.4 C6, malloc arena -1 to the end of sramhp: refused", "common-libc-malloc-arena", "0x40880000", False,
         "CONFIG_COMMON_LIBC_MALLOC_ARENA_SIZE=16384"),
        ("4.4 C6, newlib sbrk to the end of sramhp: refused", "newlib-sbrk-heap", "0x40880000", False,
         "newlib's sbrk heap"),
        ("4.0 C6, malloc arena -1 to the end of sram0 (0x40850000): passes", "common-libc-malloc-arena", "0x40850000",
         True, "(the C library's malloc arena"),
    ]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        image = elf(gcc, Path(tmp) / "image.elf")
        for name, heaps, sram_end, ok, text in cases:
            p = subprocess.run([cmake, f"-DELF={image}", f"-DNM={nm}", f"-DPOOLS={HP_POOL}",
                                f"-DHEAPS_TO_SRAM_END={heaps}", f"-DSRAM_END={sram_end}", "-P", script],
                               capture_output=True, text=True)
            out = (p.stdout + p.stderr).strip()
            good = (p.returncode == 0) == ok and text in out
            failed += not good
            print(f"{'ok  ' if good else 'FAIL'} {name}" + ("" if good else f"\n     rc={p.returncode}: {out}"))
    print(f"heap checks: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
