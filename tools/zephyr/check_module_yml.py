#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a zephyr/module.yml the way scripts/zephyr_module.py reads it:
pykwalify against its schema (module-schema.yaml), then what the script
then requires or derives:
  - build.cmake names a folder with a CMakeLists.txt,
  - build.kconfig names an existing file,
  - settings.dts_root has dts/bindings/, settings.board_root has boards/,
  - every samples/tests entry is a directory (twister's -T roots),
  - the name, sanitized as Zephyr does ([^a-zA-Z0-9] -> _), gives the CMake
    variable ZEPHYR_<NAME>_MODULE_DIR that this repository's CMake uses.

Usage: check_module_yml.py MODULE_ROOT [--expect-fail] [--expect-var VAR]
"""

import logging
import re
import sys
from pathlib import Path

import yaml
from pykwalify.core import Core
from pykwalify.errors import PyKwalifyException

from common import CheckError, outcome

HERE = Path(__file__).resolve().parent
logging.getLogger("pykwalify").setLevel(logging.CRITICAL)


def check(root: Path, expect_var=None):
    path = root / "zephyr" / "module.yml"
    meta = yaml.safe_load(path.read_text())
    try:
        Core(source_data=meta, schema_files=[str(HERE / "module-schema.yaml")]).validate(raise_exception=True)
    except PyKwalifyException as e:
        raise CheckError(f"schema: {getattr(e, 'msg', e)}")
    build = meta.get("build") or {}
    cmake = build.get("cmake")
    if cmake is not None and not (root / cmake / "CMakeLists.txt").is_file():
        raise CheckError(f'"cmake" folder {cmake!r} has no CMakeLists.txt')
    kconfig = build.get("kconfig")
    if kconfig is not None and not (root / kconfig).is_file():
        raise CheckError(f'"kconfig" {kconfig!r} is not a file')
    settings = build.get("settings") or {}
    if "dts_root" in settings and not (root / settings["dts_root"] / "dts" / "bindings").is_dir():
        raise CheckError(f"dts_root {settings['dts_root']!r} has no dts/bindings")
    if "board_root" in settings and not (root / settings["board_root"] / "boards").is_dir():
        raise CheckError(f"board_root {settings['board_root']!r} has no boards/")
    for key in ("samples", "tests"):
        for d in meta.get(key) or []:
            if not (root / d).is_dir():
                raise CheckError(f"{key}: {d!r} is not a directory")
    name = meta.get("name", root.name)
    var = "ZEPHYR_" + re.sub("[^a-zA-Z0-9]", "_", name).upper() + "_MODULE_DIR"
    if expect_var and var != expect_var:
        raise CheckError(f"module name {name!r} gives {var}, but the CMake code uses {expect_var}")
    return name, var


def main(argv):
    root = Path(argv[1])
    expect_fail = "--expect-fail" in argv
    expect_var = argv[argv.index("--expect-var") + 1] if "--expect-var" in argv else None
    status, result = outcome(f"module.yml: {root}", lambda: check(root, expect_var), expect_fail)
    if status is not None:
        return status
    name, var = result
    print(f"module.yml: {root}: module {name!r}, {var}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
