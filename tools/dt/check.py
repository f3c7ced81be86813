#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The devicetree check: every board overlay of this module applied to the
real upstream Zephyr board devicetree the way a Zephyr build does it, loaded
by Zephyr's edtlib, and the resulting zephyr.dts fed to the amp-sysinfo-dt
generator.

For each case:
  1. cpp, as Zephyr's cmake/modules/dts.cmake runs it: every input passed
     with -include, board file first, then the overlays, on an empty source;
     -isystem dirs of the Zephyr DTS root (include, include/zephyr,
     dts/common, dts/riscv, dts), then our stand-ins (tools/dt/stand-ins).
  2. dtc with dts.cmake's flags; an overlay may add no dtc warning (the
     warnings of the board alone are the baseline).
  3. edtlib.EDT as Zephyr's scripts/dts/gen_edt.py builds it (default prop
     types, infer_binding_for_paths, vendor prefixes), with werror=True (a
     build with WERROR_DTS): bindings = this module's dts/bindings +
     stand-ins; vendor prefixes = this module's vendor-prefixes.txt + every
     prefix the unmodified upstream board devicetree already uses (Zephyr's
     own vendor-prefixes.txt is not vendored). With werror, edtlib rejects a
     property its binding does not declare (a typo such as `max-entires`);
     without werror it only warns, so the check also verifies that every
     pool node matched the module's binding and declares nothing else. Any
     warning edtlib logs fails the check too (werror does not cover all of
     them, e.g. a unit address that differs from reg).
  4. edt.dts_source written as zephyr.dts (gen_edt.py does the same), then
     `amp-sysinfo-dt pools|rust|memory-x --dts zephyr.dts`.

Negative fixtures (tools/dt/fixtures/*.overlay, applied after the real
overlay) must each be rejected by the stage they target, with a message that
names the fault.

usage: check.py --upstream ../shared/upstream/zephyr --generator target/debug/amp-sysinfo-dt
"""

import argparse
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import devicetree
from devicetree import dtlib, edtlib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BOARDS = ROOT / "boards"
FIXTURES = HERE / "fixtures"
STANDINS = HERE / "stand-ins"
MODULE_BINDINGS = ROOT / "dts" / "bindings"
POOL_COMPAT = "esp-amp-sysinfo,pool"

# The upstream board file of each ESP32-C6 DevKitC target, by overlay name
# (<board>_<qualifiers>.overlay with '/' turned into '_', as Zephyr's
# zephyr_build_string() forms it).
HP, LP = "esp32c6_devkitc_esp32c6_hpcore", "esp32c6_devkitc_esp32c6_lpcore"
C6_TARGETS = {
    HP: "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_hpcore.dts",
    LP: "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_lpcore.dts",
}

# (fixture, target, stage that must reject it, text the error must contain)
NEGATIVE = [
    ("typo-property.overlay", LP, "edtlib", "'max-entires'"),
    ("typo-pool-kind.overlay", HP, "edtlib", "pool-kind"),
    ("wrong-type.overlay", HP, "edtlib", "max-entries"),
    ("typo-compatible.overlay", HP, "binding", "esp-amp-sysinfo,pol"),
    ("missing-pool-kind.overlay", HP, "edtlib", "pool-kind"),
    ("collides-ipc-shm.overlay", LP, "generator", "(ipc_shm)"),
    ("collides-ulp-ram.overlay", LP, "generator", "(ulp_ram)"),
    ("unit-address-mismatch.overlay", HP, "edtlib", "unit address"),
    ("sub-core-hp.overlay", HP, "generator", "needs the LP core as sub core"),
    ("two-hp-pools.overlay", HP, "generator", "a second hp pool"),
    ("table-too-big.overlay", LP, "generator", "a table of 200 entries (0x660 bytes)"),
    ("misaligned.overlay", LP, "generator", "multiples of 16 bytes"),
    ("outside-sramhp.overlay", HP, "generator", "does not lie inside one memory node"),
]


class StageError(Exception):
    def __init__(self, stage, message):
        super().__init__(f"[{stage}] {message}")
        self.stage = stage
        self.message = message


def run(cmd, stage):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if p.returncode != 0:
        raise StageError(stage, (p.stderr or p.stdout).strip())
    return p


def preprocess(upstream, board, overlays, out):
    includes = [upstream / d for d in ("include", "include/zephyr", "dts/common", "dts/riscv", "dts")]
    includes += [STANDINS / "include", STANDINS / "include" / "zephyr"]
    empty = out.parent / "empty.c"
    empty.write_text("")
    cmd = ["cpp", "-nostdinc", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-P", "-E"]
    for d in includes:
        cmd += ["-isystem", d]
    for f in [board, *overlays]:
        cmd += ["-include", Path(f).resolve()]
    cmd += [empty, "-o", out]
    run(cmd, "cpp")


def dtc_warnings(dts):
    """dtc with the flags of Zephyr's dts.cmake; returns its warnings with
    file positions removed (so a baseline compares across files)."""
    p = run(["dtc", "-I", "dts", "-O", "dts", "-o", os.devnull, "-b", "0", "-E", "unit_address_vs_reg",
             "-Wno-unique_unit_address", "-Wunique_unit_address_if_enabled", dts], "dtc")
    return {re.sub(r"^\S+:\d+\.\d+-\d+(\.\d+)?: ", "", l) for l in p.stderr.splitlines() if "Warning" in l}


def upstream_vendor_prefixes(dts):
    """Vendor prefixes that the unmodified upstream devicetree uses."""
    dt = dtlib.DT(str(dts))
    prefixes = {}
    for node in dt.node_iter():
        if "compatible" in node.props:
            for compat in node.props["compatible"].to_strings():
                if "," in compat:
                    prefixes[compat.split(",", 1)[0]] = "(used by the upstream board devicetree)"
    return prefixes


class _Warnings(logging.Handler):
    """Collects what edtlib logs; some of its warnings (e.g. a unit address
    that does not match reg) are not turned into errors by werror."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def load_edt(dts, vendor_prefixes):
    bindings = [str(MODULE_BINDINGS), str(STANDINS / "bindings")]
    warnings = _Warnings()
    logger = logging.getLogger("devicetree.edtlib")
    logger.addHandler(warnings)
    logger.propagate = False
    try:
        edt = _edt(dts, bindings, vendor_prefixes)
    finally:
        logger.removeHandler(warnings)
    if warnings.messages:
        raise StageError("edtlib", "warnings: " + "; ".join(warnings.messages))
    return edt


def _edt(dts, bindings, vendor_prefixes):
    try:
        # The arguments of Zephyr's scripts/dts/gen_edt.py, plus werror.
        return edtlib.EDT(str(dts), bindings, warn_reg_unit_address_mismatch=True, default_prop_types=True,
                          infer_binding_for_paths=["/zephyr,user", "/cpus"], werror=True,
                          vendor_prefixes=vendor_prefixes)
    except (edtlib.EDTError, dtlib.DTError) as e:
        # A dtlib error (e.g. a wrong property type) escapes gen_edt.py's
        # `except EDTError` and fails the Zephyr build with a traceback.
        raise StageError("edtlib", str(e)) from e


def binding_files():
    """Binding file name -> path, for the includes of a binding (what edtlib
    builds from the bindings dirs)."""
    files = {}
    for d in (MODULE_BINDINGS, STANDINS / "bindings"):
        for p in sorted(d.rglob("*.yaml")):
            files.setdefault(p.name, str(p))
    return files


def check_pool_nodes(edt, dts):
    """Every pool has the module's binding, and declares nothing the
    binding does not (edtlib ignores undeclared properties)."""
    dt = dtlib.DT(str(dts))
    vendor = POOL_COMPAT.split(",")[0] + ","
    for node in edt.nodes:
        for compat in node.compats:
            if compat.startswith(vendor) and node.binding_path is None:
                raise StageError("binding", f"{node.path}: compatible \"{compat}\" has no binding in "
                                 f"{MODULE_BINDINGS.relative_to(ROOT)} (a typo? the pool compatible is "
                                 f"\"{POOL_COMPAT}\")")
    pools = [n for n in edt.nodes if POOL_COMPAT in n.compats]
    if not pools:
        raise StageError("binding", f"no node with compatible \"{POOL_COMPAT}\"")
    for node in pools:
        if node.binding_path is None or Path(node.binding_path).resolve().parent.parent != MODULE_BINDINGS.resolve():
            raise StageError("binding", f"{node.path}: not matched to the module's binding (got {node.binding_path})")
        declared = set(edtlib.Binding(node.binding_path, binding_files()).prop2specs) | {"phandle"}
        for name in dt.get_node(node.path).props:
            if name not in declared:
                raise StageError("binding", f"{node.path}: property '{name}' is not in the binding "
                                 f"{Path(node.binding_path).name} (declared: {', '.join(sorted(declared))})")
    return pools


def build(upstream, board, overlays, work, generator):
    """One devicetree through every stage; returns (edt, zephyr.dts path)."""
    work.mkdir(parents=True, exist_ok=True)
    base = work / "board.dts"
    preprocess(upstream, board, [], base)
    baseline = dtc_warnings(base)
    pre = work / "preprocessed.dts"
    preprocess(upstream, board, overlays, pre)
    new = dtc_warnings(pre) - baseline
    if new:
        raise StageError("dtc", "the overlays add dtc warnings:\n  " + "\n  ".join(sorted(new)))
    edt = load_edt(pre, {**upstream_vendor_prefixes(base), **edtlib.load_vendor_prefixes_txt(
        str(MODULE_BINDINGS / "vendor-prefixes.txt"))})
    check_pool_nodes(edt, pre)
    zephyr_dts = work / "zephyr.dts"
    zephyr_dts.write_text(edt.dts_source + "\n")
    run([generator, "pools", "--dts", zephyr_dts], "generator")
    return edt, zephyr_dts


def generated(generator, dts, what, *extra):
    return run([generator, what, "--dts", dts, *extra], "generator").stdout


LINK_X = """INCLUDE memory.x
ENTRY(_start)
SECTIONS
{
  .text : { *(.text*) } > RAM
  .rodata : { *(.rodata*) *(.srodata*) } > RAM
  .data : { *(.data*) *(.sdata*) } > RAM
  .bss (NOLOAD) : { *(.bss*) *(.sbss*) *(COMMON) } > RAM
  .stack (NOLOAD) : { . = ALIGN(16); . += STACK_SIZE; _stack_top = .; } > RAM
  %s
}
"""
MAIN_C = "volatile int counter = 1; int scratch[16];\n" \
         "void _start(void) { for (;;) { counter++; scratch[counter & 15] = counter; } }\n"


def link_with_memory_x(generator, dts, work):
    """Links a small rv32 image against the generated memory.x with GNU ld:
    the fragment is valid linker script, check-elf accepts the image, flags
    one with a section placed in the RTC pool, and ld itself refuses an image
    whose stack would grow into the pool."""
    gcc = "riscv64-unknown-elf-gcc"
    work.mkdir(parents=True, exist_ok=True)
    (work / "memory.x").write_text(generated(generator, dts, "memory-x"))
    (work / "main.c").write_text(MAIN_C)
    pool_base = int(re.search(r"RTC_POOL: .*bus_base: (0x[0-9a-f]+)", generated(generator, dts, "rust")).group(1), 16)

    def link(name, stack, extra=""):
        (work / f"{name}.x").write_text(LINK_X % extra)
        elf = work / f"{name}.elf"
        run([gcc, "-march=rv32imac", "-mabi=ilp32", "-Os", "-nostdlib", "-nostartfiles", "-ffreestanding",
             f"-Wl,--defsym=STACK_SIZE={stack:#x}", "-L", work, "-T", work / f"{name}.x", "-o", elf, work / "main.c"],
            "ld")
        return elf

    good = link("good", 0x800)
    out = generated(generator, dts, "check-elf", "--elf", good)
    if "none in a pool" not in out:
        raise StageError("check-elf", out)
    bad = link("intruder", 0x800, f".intruder {pool_base:#x} : {{ LONG(0x5a5a5a5a) }}")
    try:
        generated(generator, dts, "check-elf", "--elf", bad)
    except StageError as e:
        if "section `.intruder`" not in e.message:
            raise StageError("check-elf", f"wrong message: {e.message}") from e
    else:
        raise StageError("check-elf", "an image with a section in the RTC pool passed")
    try:
        link("overflow", 0x3800)
    except StageError as e:
        if "overflowed" not in e.message:
            raise StageError("ld", f"expected a region overflow, got: {e.message}") from e
    else:
        raise StageError("ld", "a stack as large as all of ulp_ram linked")


def body(text):
    """Generated text without its first (source) line."""
    return text.split("\n", 1)[1]


def main():
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("--upstream", required=True, type=Path, help="the upstream zephyr/ tree (shared/upstream/zephyr)")
    ap.add_argument("--generator", required=True, type=Path, help="the amp-sysinfo-dt binary")
    args = ap.parse_args()
    if not (args.upstream / "dts").is_dir():
        sys.exit(f"check.py: {args.upstream} is not an upstream Zephyr tree (no dts/); see shared/upstream/README.md")
    print(f"edtlib: {edtlib.__file__} (package devicetree from {Path(devicetree.__file__).parent})")

    passed, failed = 0, []

    def case(name, fn):
        nonlocal passed
        try:
            fn()
            passed += 1
            print(f"ok   {name}")
        except StageError as e:
            failed.append(name)
            print(f"FAIL {name}: {e}")

    rust = {}
    with tempfile.TemporaryDirectory(prefix="sysinfo-dt-check-") as tmp:
        tmp = Path(tmp)
        overlays = sorted(p for p in BOARDS.glob("esp32c6_*.overlay"))
        if {p.stem for p in overlays} != set(C6_TARGETS):
            failed.append("overlay set")
            print(f"FAIL overlay set: boards/ has {[p.name for p in overlays]}, expected one per {sorted(C6_TARGETS)}")

        for overlay in overlays:
            target = overlay.stem

            def positive(overlay=overlay, target=target):
                edt, dts = build(args.upstream, args.upstream / C6_TARGETS[target], [overlay], tmp / target, args.generator)
                rust[target] = generated(args.generator, dts, "rust")
                print(generated(args.generator, dts, "pools"), end="")

            case(f"{target}: upstream board + {overlay.name} -> edtlib -> generator", positive)

        def lp_memory():
            dts = tmp / LP / "zephyr.dts"
            text = generated(args.generator, dts, "memory-x")
            if "ORIGIN = 0x50000000, LENGTH = 0x3800" not in text:
                raise StageError("generator", f"lpcore memory.x is not ulp_ram below the RTC pool:\n{text}")

        case("lpcore: sub-image RAM ends where the RTC pool begins", lp_memory)

        def lp_link():
            link_with_memory_x(args.generator, tmp / LP / "zephyr.dts", tmp / "link")

        case("lpcore: GNU ld links an image with the generated memory.x; check-elf passes it, "
             "rejects a section in the pool, ld rejects RAM overflow into the pool", lp_link)

        def agree():
            hp, lp = rust.get(HP), rust.get(LP)
            if hp is None or lp is None:
                raise StageError("generator", "a target did not build")
            if body(hp) != body(lp):
                raise StageError("generator", f"hpcore and lpcore pools differ:\n{hp}\n{lp}")

        case("hpcore and lpcore agree on every pool", agree)

        def docs_example():
            # The fixture is the docs' example verbatim (after its own comment).
            example = (FIXTURES / "docs-resize.overlay").read_text().split("*/\n", 1)[1]
            docs = (BOARDS.parent / "docs" / "pools.md").read_text()
            if example not in docs:
                raise StageError("docs", "tools/dt/fixtures/docs-resize.overlay differs from the example in docs/pools.md")
            out = {}
            for target in C6_TARGETS:
                _, dts = build(args.upstream, args.upstream / C6_TARGETS[target],
                               [BOARDS / f"{target}.overlay", FIXTURES / "docs-resize.overlay"],
                               tmp / f"docs-{target}", args.generator)
                out[target] = generated(args.generator, dts, "rust")
                pools = generated(args.generator, dts, "pools")
                if "hp  0x4087c610 size 0x1000" not in pools or "max-entries 8 " not in pools:
                    raise StageError("generator", f"{target}: the resized pools are not as docs/pools.md says:\n{pools}")
            if len({body(t) for t in out.values()}) != 1:
                raise StageError("generator", "the targets disagree after the docs example")

        case("docs/pools.md resize example on both targets", docs_example)

        twin = BOARDS / "qemu" / "twin"
        for image in ("twin_main", "twin_sub"):
            def twin_case(image=image):
                build(args.upstream, twin / "twin.dts", [twin / f"{image}.overlay"], tmp / image, args.generator)

            case(f"{image}: twin.dts + {image}.overlay -> edtlib -> generator", twin_case)

        for fixture, target, stage, needle in NEGATIVE:
            def negative(fixture=fixture, target=target, stage=stage, needle=needle):
                try:
                    build(args.upstream, args.upstream / C6_TARGETS[target],
                          [BOARDS / f"{target}.overlay", FIXTURES / fixture], tmp / f"neg-{fixture}", args.generator)
                except StageError as e:
                    if e.stage != stage or needle not in e.message:
                        raise StageError("fixture", f"rejected by {e.stage}, expected {stage} naming '{needle}': "
                                         f"{e.message}") from e
                    print(f"     rejected as expected by {stage}: {e.message.splitlines()[0][:160]}")
                    return
                raise StageError("fixture", f"{fixture} was accepted; {stage} should reject it")

            case(f"negative {fixture} on {target}", negative)

    print(f"dt-check: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
