#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Parses the module's Kconfig with kconfiglib (Zephyr's Kconfig library),
inside a stand-in of the Zephyr Kconfig tree (standins/Kconfig) and with
stand-ins of Zephyr's devicetree preprocessor functions (kconfigfunctions.py)
evaluated on real devicetrees by edtlib.

For every devicetree given, with CONFIG_RUST off and on:
  - parsing gives no warning at all (references to undefined symbols
    included: KCONFIG_WARN_UNDEF=y);
  - ESP_AMP_SYS_INFO is on exactly when an enabled esp-amp-sysinfo,pool node
    exists;
  - ESP_AMP_HP_SHARED_MEM_SIZE / ESP_AMP_RTC_SHARED_MEM_SIZE equal the sizes
    edtlib reads from the nodes labelled sysinfo_hp / sysinfo_rtc;
  - the entry count defaults to 16, the C API is on for C apps and off for
    Rust apps, the log level symbol exists.

The devicetrees are small fixtures and, with --upstream, the real final
devicetrees of both ESP32-C6 DevKitC targets: the unmodified upstream board
DTS with the module's overlay, preprocessed as Zephyr's dts.cmake does
(cpp -include board -include overlay), include stand-ins from tools/dt/.

Usage:
  check_kconfig.py KCONFIG DTS... [--bindings DIR]... [--upstream ZEPHYR_DIR]
  check_kconfig.py KCONFIG --expect-fail     (a broken Kconfig must be rejected)
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import CheckError, outcome

HERE = Path(__file__).resolve().parent


def load(module_kconfig: Path, dts, bindings):
    """A fresh kconfiglib.Kconfig for one devicetree (the functions module
    reads the devicetree at import, so each run gets its own import)."""
    os.environ["srctree"] = str(HERE / "standins")
    os.environ["ESP_AMP_SYSINFO_MODULE_KCONFIG"] = str(module_kconfig.resolve())
    os.environ["KCONFIG_FUNCTIONS"] = "kconfigfunctions"
    os.environ["KCONFIG_WARN_UNDEF"] = "y"
    os.environ["SYSINFO_KCONFIG_DTS"] = str(dts) if dts else ""
    os.environ["SYSINFO_KCONFIG_BINDINGS"] = ":".join(str(b) for b in bindings)
    sys.modules.pop("kconfigfunctions", None)
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import kconfiglib

    try:
        kconf = kconfiglib.Kconfig(str(HERE / "standins" / "Kconfig"), warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        raise CheckError(f"kconfiglib: {e}")
    if kconf.warnings:
        raise CheckError("kconfiglib warnings:\n  " + "\n  ".join(kconf.warnings))
    return kconf


def expected_from_dts(dts, bindings):
    from devicetree import edtlib

    try:
        edt = edtlib.EDT(str(dts), [str(b) for b in bindings])
    except edtlib.EDTError as e:
        raise CheckError(f"{dts}: edtlib: {e}")
    okay = [n for n in edt.nodes if "esp-amp-sysinfo,pool" in n.compats and n.status == "okay"]

    def size(label):
        n = edt.label2node.get(label)
        return n.regs[0].size if n is not None and n.status == "okay" and n.regs else None

    return bool(okay), size("sysinfo_hp"), size("sysinfo_rtc")


def value(kconf, name):
    return kconf.syms[name].str_value


def check_dts(module_kconfig, dts, bindings):
    enabled, hp, rtc = expected_from_dts(dts, bindings)
    report = []
    for rust in ("n", "y"):
        kconf = load(module_kconfig, dts, bindings)
        kconf.syms["LOG"].set_value("y")
        kconf.syms["RUST"].set_value(rust)
        got = value(kconf, "ESP_AMP_SYS_INFO")
        if got != ("y" if enabled else "n"):
            raise CheckError(f"{dts}: ESP_AMP_SYS_INFO={got}, expected {'y' if enabled else 'n'}")
        if not enabled:
            report.append(f"{dts.name} RUST={rust}: module off (no enabled pool)")
            continue
        checks = {
            "ESP_AMP_HP_SHARED_MEM_SIZE": hex(hp) if hp is not None else "0x0",
            "ESP_AMP_SYS_INFO_RTC_POOL": "y" if rtc is not None else "n",
            "ESP_AMP_RTC_SHARED_MEM_SIZE": hex(rtc) if rtc is not None else "",
            "ESP_AMP_SYS_INFO_MAX_ENTRIES": "16",
            "ESP_AMP_SYS_INFO_C_API": "n" if rust == "y" else "y",
            "ESP_AMP_SYS_INFO_CHECK_POOLS": "y",
            "ESP_AMP_SYS_INFO_LOG_LEVEL": "3",
        }
        for sym, want in checks.items():
            if sym not in kconf.syms:
                raise CheckError(f"symbol {sym} is not defined")
            got = value(kconf, sym)
            if got != want:
                raise CheckError(f"{dts}: RUST={rust}: CONFIG_{sym}={got!r}, expected {want!r}")
        # The seed's names must be read-only (derived from devicetree).
        for sym in ("ESP_AMP_HP_SHARED_MEM_SIZE", "ESP_AMP_RTC_SHARED_MEM_SIZE"):
            if kconf.syms[sym].nodes[0].prompt is not None:
                raise CheckError(f"CONFIG_{sym} has a prompt: it must come from devicetree only")
        report.append(f"{dts.name} RUST={rust}: " + " ".join(f"{k}={value(kconf, k)}" for k in checks))
    return report


HPCORE = "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_hpcore.dts"
LPCORE = "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_lpcore.dts"
# name -> (upstream board file, overlays relative to the repository root)
C6_TARGETS = {
    "esp32c6_devkitc_esp32c6_hpcore": (HPCORE, ["boards/esp32c6_devkitc_esp32c6_hpcore.overlay"]),
    "esp32c6_devkitc_esp32c6_lpcore": (LPCORE, ["boards/esp32c6_devkitc_esp32c6_lpcore.overlay"]),
}


def final_devicetree(upstream: Path, name: str, board: str, overlays, out_dir: Path) -> Path:
    """Board DTS + the module's overlay through cpp, as Zephyr's dts.cmake."""
    root = HERE.parent.parent
    standins = root / "tools" / "dt" / "stand-ins" / "include"
    includes = [upstream / d for d in ("include", "include/zephyr", "dts/common", "dts/riscv", "dts")]
    includes += [standins, standins / "zephyr"]
    empty = out_dir / "empty.c"
    empty.write_text("")
    out = out_dir / f"{name}.dts"
    cmd = ["cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-P", "-E"]
    for d in includes:
        cmd += ["-isystem", str(d)]
    cmd += ["-include", str(upstream / board)]
    for overlay in overlays:
        cmd += ["-include", str(root / overlay)]
    cmd += [str(empty), "-o", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise CheckError(f"cpp {name}: {p.stderr.strip()}")
    return out


def check_app_kconfig(path: Path):
    """An application's Kconfig (`source "Kconfig.zephyr"` first) with the
    stand-in Kconfig.zephyr: no warnings; every bool it defines can be set,
    and what it selects follows."""
    os.environ["srctree"] = str(HERE / "standins" / "app")
    os.environ["KCONFIG_WARN_UNDEF"] = "y"
    import kconfiglib

    try:
        kconf = kconfiglib.Kconfig(str(path.resolve()), warn_to_stderr=False)
    except kconfiglib.KconfigError as e:
        raise CheckError(f"kconfiglib: {e}")
    if kconf.warnings:
        raise CheckError("kconfiglib warnings:\n  " + "\n  ".join(kconf.warnings))
    own = [s for s in kconf.unique_defined_syms if s.nodes[0].filename == str(path.resolve())]
    if not own:
        raise CheckError("defines no symbol")
    report = []
    for sym in own:
        if sym.type == kconfiglib.BOOL:
            sym.set_value("y")
            if sym.str_value != "y":
                raise CheckError(f"{sym.name} cannot be enabled")
            for target, _ in sym.selects:
                if target.str_value != "y":
                    raise CheckError(f"{sym.name}=y does not enable {target.name}")
            report.append(f"{sym.name}=y selects {', '.join(t.name for t, _ in sym.selects) or 'nothing'}")
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kconfig", type=Path)
    ap.add_argument("dts", type=Path, nargs="*")
    ap.add_argument("--bindings", type=Path, action="append", default=[])
    ap.add_argument("--expect-fail", action="store_true")
    ap.add_argument("--upstream", type=Path, help="upstream zephyr/ tree: also check both C6 DevKitC targets")
    ap.add_argument("--app", action="store_true", help="KCONFIG is an application Kconfig")
    args = ap.parse_args()
    prefix = f"kconfig: {args.kconfig}"
    if args.app:

        def check_app():
            for line in check_app_kconfig(args.kconfig):
                print(f"kconfig: {args.kconfig}: {line}")

        status, _ = outcome(prefix, check_app, args.expect_fail, first_line=True)
        return status or 0
    tmp = tempfile.TemporaryDirectory(prefix="sysinfo-kconfig-")
    if args.upstream:
        try:
            for name, (board, overlays) in C6_TARGETS.items():
                args.dts.append(final_devicetree(args.upstream.resolve(), name, board, overlays, Path(tmp.name)))
        except CheckError as e:
            print(f"kconfig: {e}", file=sys.stderr)
            return 1

    def check():
        if args.expect_fail:
            load(args.kconfig, HERE / "fixtures" / "pools.dts", args.bindings)
        else:
            if not args.dts:
                ap.error("give at least one devicetree")
            for dts in args.dts:
                for line in check_dts(args.kconfig, dts, args.bindings):
                    print(f"kconfig: {line}")

    status, _ = outcome(prefix, check, args.expect_fail, first_line=True)
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
