#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the samples' and tests' prj.conf files: every line is
`CONFIG_<NAME>=<value>` or a comment, and every symbol is either defined by
the module's Kconfig (parsed with kconfiglib, as check_kconfig.py does) or
by an application Kconfig next to the file, or is one of the upstream
symbols listed below with the file it was read in.

Usage: check_prj_conf.py MODULE_ROOT FILE... [--expect-fail]
"""

import re
import sys
from pathlib import Path

from common import CheckError, each_file

# Upstream symbols the project's prj.conf files set, and where each is defined.
UPSTREAM = {
    "RUST": "zephyr-lang-rust Kconfig @5820bce2",
    "MAIN_STACK_SIZE": "zephyr kernel/Kconfig",
    "PRINTK": "zephyr subsys/debug/Kconfig",
    "ZTEST": "zephyr subsys/testsuite/ztest/Kconfig",
    "ESP32_ULP_COPROC_ENABLED": "zephyr soc/espressif/Kconfig.ulp @0a04bc0d",
}

LINE = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(y|n|-?\d+|0x[0-9a-fA-F]+|\".*\")$")


def module_symbols(root: Path):
    text = (root / "Kconfig").read_text()
    names = set(re.findall(r"^\s*(?:menu)?config\s+([A-Za-z0-9_]+)", text, re.M))
    # The log template's symbols for `module = ESP_AMP_SYS_INFO`.
    names |= {"ESP_AMP_SYS_INFO_LOG_LEVEL"} | {f"ESP_AMP_SYS_INFO_LOG_LEVEL_{l}" for l in ("OFF", "ERR", "WRN", "INF", "DBG")}
    return names


def check(root: Path, path: Path, known):
    local = set()
    app_kconfig = path.parent / "Kconfig"
    if app_kconfig.is_file():
        local = set(re.findall(r"^\s*config\s+([A-Za-z0-9_]+)", app_kconfig.read_text(), re.M))
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            raise CheckError(f"line {n}: not CONFIG_<NAME>=<value>: {line!r}")
        if m.group(1) not in known | local:
            raise CheckError(f"line {n}: CONFIG_{m.group(1)} is defined neither by the module, the application, nor in the list of upstream symbols")


def main(argv):
    root = Path(argv[1])
    files = [Path(a) for a in argv[2:] if not a.startswith("--")]
    expect_fail = "--expect-fail" in argv
    known = module_symbols(root) | set(UPSTREAM)
    return each_file("prj.conf", files, lambda f: check(root, f, known), expect_fail, lambda _: "ok")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
