#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The devicetree check: every board overlay of this module applied to the
board devicetree of the Zephyr workspace it runs in (ZEPHYR_BASE, else the
enclosing west workspace, else ~/zephyrproject; xtask finds it) the way a
Zephyr build does it, loaded by that workspace's own edtlib
(scripts/dts/python-devicetree) with its bindings, and the resulting
zephyr.dts fed to the amp-sysinfo-dt generator. A shipped overlay whose
board target this Zephyr does not have (the hpcore/lpcore targets on
Zephyr 4.0) is reported as skipped, never as passed.

For each case:
  1. cpp, as Zephyr's cmake/modules/dts.cmake runs it: every input passed
     with -include, board file first, then the overlays, on an empty source;
     -isystem dirs of every DTS root as pre_dt.cmake orders them: the
     module (its dts_root, so <espressif/esp32c6/esp_amp_sysinfo_*.dtsi>
     resolves), then Zephyr (include, include/zephyr, dts/common,
     dts/riscv, dts).
  2. dtc with dts.cmake's flags; an overlay may add no dtc warning (the
     warnings of the board alone are the baseline).
  3. edtlib.EDT as Zephyr's scripts/dts/gen_edt.py builds it (default prop
     types, infer_binding_for_paths, vendor prefixes), with werror=True (a
     build with WERROR_DTS): bindings = this module's dts/bindings +
     Zephyr's dts/bindings; vendor prefixes = both vendor-prefixes.txt. With werror, edtlib rejects a
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

With --view TARGET=OVERLAY[,OVERLAY...] (repeatable) only those views are
checked: any board of the workspace (TARGET named as Zephyr names its
overlays: esp32c6_devkitc_esp32c6_hpcore, or the bare board name) with the
user's overlays; every view must build, and all of them must give the same
pool constants (what the main image and the sub image are built with).

usage: check.py --zephyr ZEPHYR_BASE --generator target/debug/amp-sysinfo-dt
                [--view TARGET=OVERLAY[,OVERLAY...]]...
"""

import argparse
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def _import_edtlib(zephyr):
    """Zephyr's own python-devicetree, from the workspace being checked."""
    sys.path.insert(0, str(Path(zephyr) / "scripts" / "dts" / "python-devicetree" / "src"))
    global devicetree, dtlib, edtlib
    import devicetree  # noqa: E402
    from devicetree import dtlib, edtlib  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BOARDS = ROOT / "boards"
FIXTURES = HERE / "fixtures"
ZEPHYR = None  # set in main()
MODULE_BINDINGS = ROOT / "dts" / "bindings"
POOL_COMPAT = "esp-amp-sysinfo,pool"

HP, LP = "esp32c6_devkitc_esp32c6_hpcore", "esp32c6_devkitc_esp32c6_lpcore"
HP40 = "esp32c6_devkitc"


def board_file(zephyr, overlay_stem):
    """The workspace's board DTS for an overlay named as Zephyr's
    zephyr_build_string() forms it (<board>_<soc>_<cpucluster>, or the bare
    board of Zephyr 4.0), or None when this Zephyr has no such target."""
    for suffix, core in (("_esp32c6_hpcore", "hpcore"), ("_esp32c6_lpcore", "lpcore")):
        if overlay_stem.endswith(suffix):
            board = overlay_stem[: -len(suffix)]
            hits = sorted(Path(zephyr, "boards").glob(f"*/{board}/{board}_{core}.dts"))
            return hits[0] if hits else None
    hits = sorted(Path(zephyr, "boards").glob(f"*/{overlay_stem}/{overlay_stem}.dts"))
    return hits[0] if hits else None


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
    # Pools in the ROM data, in HP SRAM as RTC pool, on retainedmem: refused.
    ("hp-into-rom.overlay", HP, "generator", "(esp32c6_rom_data)"),
    ("rtc-in-hp-sram.overlay", HP, "generator", "lies outside LP SRAM"),
    ("rtc-on-retainedmem.overlay", LP, "generator", "retainedmem"),
]
# Fixtures that need nodes of a view (labels): run where the view has them.
NEEDS = {"collides-ipc-shm.overlay": ["ipc_shm"], "collides-ulp-ram.overlay": ["ulp_ram"],
         "rtc-on-retainedmem.overlay": ["retainedmem", "sysinfo_hp_view_retainedmem"]}


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
    # Its own cpp call rather than the generator's `dts` command: a Zephyr
    # build (cmake/modules/dts.cmake) runs cpp, hands the preprocessed file
    # (zephyr.dts.pre) to gen_edt.py's edtlib, and runs dtc on it only for
    # its warnings; this check does the same three things. Everything else
    # in the repository uses the generator's one cpp + dtc command line.
    # DTS roots in pre_dt.cmake's order: modules first, then ZEPHYR_BASE.
    includes = [ROOT / d for d in ("include", "include/zephyr", "dts/common", "dts/riscv", "dts")]
    includes += [upstream / d for d in ("include", "include/zephyr", "dts/common", "dts/riscv", "dts")]
    includes = [d for d in includes if d.is_dir()]
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
    bindings = [str(MODULE_BINDINGS), str(ZEPHYR / "dts" / "bindings")]
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
    for d in (MODULE_BINDINGS, ZEPHYR / "dts" / "bindings"):
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
    edt = load_edt(pre, {**edtlib.load_vendor_prefixes_txt(str(ZEPHYR / "dts" / "bindings" / "vendor-prefixes.txt")),
                         **edtlib.load_vendor_prefixes_txt(str(MODULE_BINDINGS / "vendor-prefixes.txt"))})
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


def check_views(args, case, counts):
    """The --view mode: the user's board targets and overlays."""
    rust = {}
    with tempfile.TemporaryDirectory(prefix="sysinfo-dt-view-") as tmp:
        tmp = Path(tmp)
        for n, view in enumerate(args.view):
            target, sep, overlays = view.partition("=")
            overlays = [Path(o).resolve() for o in overlays.split(",") if o]
            board = board_file(ZEPHYR, target)

            def one(target=target, board=board, overlays=overlays, sep=sep, key=f"view {n + 1} ({target})"):
                if not sep or not overlays:
                    raise StageError("usage", f"--view {target}: expected TARGET=OVERLAY[,OVERLAY...]")
                if board is None:
                    raise StageError("board", f"this Zephyr ({ZEPHYR}) has no board target {target}: "
                                     "name it as Zephyr names overlays (<board>_<soc>_<cpucluster>)")
                for o in overlays:
                    if not o.is_file():
                        raise StageError("usage", f"{o}: no such overlay")
                _, dts = build(ZEPHYR, board, overlays, tmp / f"view{n}", args.generator)
                rust[key] = generated(args.generator, dts, "rust")
                print(generated(args.generator, dts, "pools"), end="")

            case(f"{target}: {board.relative_to(ZEPHYR) if board else '(no board)'} + "
                 f"{', '.join(o.name for o in overlays)} -> edtlib -> generator", one)

        def agree():
            if len(rust) < 2:
                return "one view given: nothing to compare"
            first = next(iter(rust))
            for t, text in rust.items():
                if body(text) != body(rust[first]):
                    raise StageError("generator", f"{t} and {first} give different pools:\n{text}\n{rust[first]}")

        case("every view gives the same pool constants", agree)
    passed, failed, skipped = counts()
    print(f"dt-check: {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


def body(text):
    """Generated text without its first (source) line."""
    return text.split("\n", 1)[1]


def main():
    global ZEPHYR
    ap = argparse.ArgumentParser(allow_abbrev=False)
    ap.add_argument("--zephyr", required=True, type=Path, help="the workspace's Zephyr tree (ZEPHYR_BASE)")
    ap.add_argument("--generator", required=True, type=Path, help="the amp-sysinfo-dt binary")
    ap.add_argument("--view", action="append", default=[], metavar="TARGET=OVERLAY[,OVERLAY...]",
                    help="check only this board target with these overlays (repeat for each core view)")
    args = ap.parse_args()
    ZEPHYR = args.zephyr.resolve()
    if not (ZEPHYR / "dts").is_dir() or not (ZEPHYR / "scripts" / "dts" / "python-devicetree").is_dir():
        sys.exit(f"check.py: {ZEPHYR} is not a Zephyr tree (no dts/ or scripts/dts/python-devicetree)")
    _import_edtlib(ZEPHYR)
    version = (ZEPHYR / "VERSION").read_text() if (ZEPHYR / "VERSION").is_file() else ""
    v = dict(re.findall(r"(VERSION_MAJOR|VERSION_MINOR|PATCHLEVEL) = (\d+)", version))
    print(f"zephyr: {ZEPHYR} ({v.get('VERSION_MAJOR')}.{v.get('VERSION_MINOR')}.{v.get('PATCHLEVEL')}); "
          f"edtlib: {edtlib.__file__}")

    passed, failed, skipped = 0, [], []

    def case(name, fn):
        nonlocal passed
        try:
            why = fn()
        except StageError as e:
            failed.append(name)
            print(f"FAIL {name}: {e}")
            return
        if why:
            skipped.append(name)
            print(f"skip {name}: {why}")
        else:
            passed += 1
            print(f"ok   {name}")

    if args.view:
        return check_views(args, case, lambda: (passed, failed, skipped))

    rust, views = {}, {}
    with tempfile.TemporaryDirectory(prefix="sysinfo-dt-check-") as tmp:
        tmp = Path(tmp)
        for overlay in sorted(BOARDS.glob("*esp32c6*.overlay")):
            target = overlay.stem
            board = board_file(ZEPHYR, target)

            def positive(overlay=overlay, target=target, board=board):
                if board is None:
                    return f"this Zephyr has no board target for {overlay.name} (read only; see docs/boards.md)"
                edt, dts = build(ZEPHYR, board, [overlay], tmp / target, args.generator)
                rust[target] = generated(args.generator, dts, "rust")
                views[target] = (board, edt)
                print(generated(args.generator, dts, "pools"), end="")

            case(f"{target}: {board.relative_to(ZEPHYR) if board else '(no board)'} + {overlay.name} "
                 "-> edtlib -> generator", positive)

        def agree():
            if len(rust) < 1:
                return "no board target of this Zephyr was built"
            first = next(iter(rust))
            for t, text in rust.items():
                if body(text) != body(rust[first]):
                    raise StageError("generator", f"{t} and {first} pools differ:\n{text}\n{rust[first]}")
            if len(rust) == 1:
                return f"only one core view ({first}) in this Zephyr: nothing to compare"

        case("every built view agrees on every pool", agree)

        def lp_memory():
            if LP not in views:
                return "no lpcore target in this Zephyr"
            text = generated(args.generator, tmp / LP / "zephyr.dts", "memory-x")
            if "ORIGIN = 0x50000000, LENGTH = 0x3800" not in text:
                raise StageError("generator", f"lpcore memory.x is not ulp_ram below the RTC pool:\n{text}")
            link_with_memory_x(args.generator, tmp / LP / "zephyr.dts", tmp / "link")

        case("lpcore: memory.x ends where the RTC pool begins; GNU ld and check-elf on it", lp_memory)

        def docs_example():
            example = (FIXTURES / "docs-resize.overlay").read_text().split("*/\n", 1)[1]
            docs = (BOARDS.parent / "docs" / "pools.md").read_text()
            if example not in docs:
                raise StageError("docs", "tools/dt/fixtures/docs-resize.overlay differs from the example in docs/pools.md")
            for target, (board, _) in views.items():
                _, dts = build(ZEPHYR, board, [BOARDS / f"{target}.overlay", FIXTURES / "docs-resize.overlay"],
                               tmp / f"docs-{target}", args.generator)
                pools = generated(args.generator, dts, "pools")
                if "hp  0x4087c610 size 0x1000" not in pools or "max-entries 8 " not in pools:
                    raise StageError("generator", f"{target}: the resized pools are not as docs/pools.md says:\n{pools}")
            if not views:
                return "no board target of this Zephyr was built"

        case("docs/pools.md resize example on every built view", docs_example)

        twin = BOARDS / "qemu" / "twin"
        for image in ("twin_main", "twin_sub"):
            def twin_case(image=image):
                build(ZEPHYR, twin / "twin.dts", [twin / f"{image}.overlay"], tmp / image, args.generator)

            case(f"{image}: twin.dts + {image}.overlay -> edtlib -> generator", twin_case)

        for fixture, target, stage, needle in NEGATIVE:
            # On the target's view where this Zephyr has it, else on any
            # built view that has the nodes the fixture needs.
            order = [target] + [t for t in views if t != target]
            chosen = next((t for t in order if t in views and
                           (NEEDS.get(fixture) is None or any(l in views[t][1].label2node for l in NEEDS[fixture]))), None)

            def negative(fixture=fixture, chosen=chosen, stage=stage, needle=needle):
                if chosen is None:
                    return f"no built view has the nodes it needs ({NEEDS.get(fixture, target)})"
                try:
                    build(ZEPHYR, views[chosen][0], [BOARDS / f"{chosen}.overlay", FIXTURES / fixture],
                          tmp / f"neg-{fixture}", args.generator)
                except StageError as e:
                    if e.stage != stage or needle not in e.message:
                        raise StageError("fixture", f"rejected by {e.stage}, expected {stage} naming '{needle}': "
                                         f"{e.message}") from e
                    print(f"     rejected as expected by {stage}: {e.message.splitlines()[0][:200]}")
                    return None
                raise StageError("fixture", f"{fixture} was accepted on {chosen}; {stage} should reject it")

            case(f"negative {fixture} on {chosen or target}", negative)

    print(f"dt-check: {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
