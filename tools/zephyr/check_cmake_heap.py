#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the module's post-build heap check (cmake/esp_amp_sys_info_check_heap.cmake)
with CMake in script mode on small rv32 ELFs whose `_end` / `_heap_sentry`
are set like an ESP32-C6 Zephyr image's (DRAM_USER_END = 0x4087c610 from
soc/espressif/esp32c6/memory.h):

  - a pool above _heap_sentry passes;
  - a pool inside _end.._heap_sentry fails the build;
  - an ELF without those symbols is skipped with a message.

Usage: check_cmake_heap.py CMAKE GCC NM MODULE_ROOT
"""

import subprocess
import sys
import tempfile
from pathlib import Path


def elf(gcc, out: Path, end=None, sentry=None):
    src = out.with_suffix(".s")
    src.write_text(".text\n.globl _start\n_start:\n  j _start\n")
    # A linker script like Zephyr's default.ld in miniature: code in HP SRAM,
    # `_end` after the image, `_heap_sentry` at DRAM_USER_END.
    ld = out.with_suffix(".ld")
    symbols = f"_end = {end};\n_heap_sentry = {sentry};\n" if end is not None else ""
    ld.write_text(f"SECTIONS {{ .text 0x40800000 : {{ *(.text) }} }}\n{symbols}")
    args = [gcc, "-march=rv32i", "-mabi=ilp32", "-nostdlib", "-T", str(ld), "-o", str(out), str(src)]
    subprocess.run(args, check=True)
    return out


def run(cmake, script, elf_path, nm, pools):
    p = subprocess.run(
        [cmake, f"-DELF={elf_path}", f"-DNM={nm}", f"-DPOOLS={pools}", "-P", str(script)],
        capture_output=True, text=True,
    )
    return p.returncode, (p.stdout + p.stderr).strip()


def main(argv):
    cmake, gcc, nm, root = argv[1:5]
    script = Path(root) / "cmake" / "esp_amp_sys_info_check_heap.cmake"
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        image = elf(gcc, d / "image.elf", end="0x40860000", sentry="0x4087c610")
        plain = elf(gcc, d / "plain.elf")
        cases = [
            ("pool above _heap_sentry", image, "sysinfo_hp:0x4087c610:0x1f50", 0, "clear of the heap"),
            ("pool in the heap range", image, "sysinfo_hp:0x40878000:0x4000", 1, "lies in the image's heap range"),
            ("second pool in the heap range", image, "sysinfo_rtc:0x50003800:0x3f0,sysinfo_hp:0x40870000:0x100", 1, "sysinfo_hp"),
            ("no heap symbols", plain, "sysinfo_hp:0x40878000:0x4000", 0, "no _end/_heap_sentry"),
        ]
        for name, e, pools, want_rc, want_text in cases:
            rc, out = run(cmake, script, e, nm, pools)
            flat = " ".join(out.split())  # CMake wraps long messages
            ok = (rc == 0) == (want_rc == 0) and want_text in flat
            print(f"cmake-heap: {name}: exit {rc}: {'ok' if ok else 'UNEXPECTED'}")
            if not ok:
                print(out, file=sys.stderr)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
