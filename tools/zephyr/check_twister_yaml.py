#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks sample.yaml / testcase.yaml files the way twister loads them:
pykwalify against twister's test-suite schema (the subset in
testsuite-schema.yaml), then what twister would reject or silently skip
later:
  - test names: twister's scenario ids are dotted lowercase words;
  - platforms in platform_allow / integration_platforms: identifiers the
    upstream board yaml files spell (KNOWN_PLATFORMS below, each with the
    file it was read from);
  - every console-harness regex compiles (twister uses Python's re);
  - a console harness has at least one regex;
  - a sample.yaml has a `sample:` section, a testcase.yaml has none.

Usage: check_twister_yaml.py FILE... [--expect-fail]
"""

import re
import sys
from pathlib import Path

import yaml
import logging

from pykwalify.core import Core
from pykwalify.errors import PyKwalifyException

from common import CheckError, each_file

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "testsuite-schema.yaml"
logging.getLogger("pykwalify").setLevel(logging.CRITICAL)

# identifier -> where upstream spells it (zephyrproject-rtos/zephyr).
KNOWN_PLATFORMS = {
    "esp32c6_devkitc/esp32c6/hpcore": "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_hpcore.yaml",
    "esp32c6_devkitc/esp32c6/lpcore": "boards/espressif/esp32c6_devkitc/esp32c6_devkitc_lpcore.yaml",
    "qemu_riscv32": "boards/qemu/riscv32/qemu_riscv32.yaml",
}

SCENARIO = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def as_list(v):
    if v is None:
        return []
    if isinstance(v, str):
        return v.split()
    return list(v)


def scenarios(doc):
    common = doc.get("common") or {}
    for name, sc in (doc.get("tests") or {}).items():
        merged = dict(common)
        merged.update(sc or {})
        yield name, merged


def check(path: Path):
    try:
        c = Core(source_file=str(path), schema_files=[str(SCHEMA)])
        c.validate(raise_exception=True)
    except PyKwalifyException as e:
        raise CheckError(f"schema: {e.msg if hasattr(e, 'msg') else e}")
    doc = yaml.safe_load(path.read_text())
    if path.name == "sample.yaml" and "sample" not in doc:
        raise CheckError("a sample.yaml needs a `sample:` section")
    if path.name == "testcase.yaml" and "sample" in doc:
        raise CheckError("a testcase.yaml must not have a `sample:` section")
    count = 0
    for name, sc in scenarios(doc):
        if not SCENARIO.match(name):
            raise CheckError(f"test {name!r}: not a dotted lowercase scenario id")
        for key in ("platform_allow", "integration_platforms"):
            for p in as_list(sc.get(key)):
                if p not in KNOWN_PLATFORMS:
                    raise CheckError(f"test {name!r}: {key}: unknown platform {p!r}")
        for p in as_list(sc.get("integration_platforms")):
            if p not in as_list(sc.get("platform_allow")):
                raise CheckError(f"test {name!r}: integration platform {p!r} is not in platform_allow")
        if sc.get("harness") == "console":
            regexes = (sc.get("harness_config") or {}).get("regex") or []
            if not regexes:
                raise CheckError(f"test {name!r}: console harness without regex")
            for r in regexes:
                try:
                    re.compile(r)
                except re.error as e:
                    raise CheckError(f"test {name!r}: regex {r!r}: {e}")
        count += 1
    if count == 0:
        raise CheckError("no tests")
    return count


def main(argv):
    files = [Path(a) for a in argv[1:] if not a.startswith("--")]
    expect_fail = "--expect-fail" in argv
    return each_file("twister-yaml", files, check, expect_fail, lambda n: f"{n} scenario(s) ok")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
