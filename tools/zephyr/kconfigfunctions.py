# SPDX-License-Identifier: Apache-2.0
"""Stand-ins for the Zephyr Kconfig preprocessor functions the module's
Kconfig calls, evaluated against a real devicetree with edtlib.

Zephyr's own versions live in scripts/kconfig/kconfigfunctions.py (read at
zephyrproject-rtos/zephyr 732c504e4c509fa9bb54afaadff62acb159dd9da). These
follow the same contract: same names, same argument counts, same result
strings ("y"/"n", hex() of the size, "0x0" for a missing node). Zephyr loads
its EDT from EDT_PICKLE; here the EDT is built from the DTS named by
SYSINFO_KCONFIG_DTS (with optional SYSINFO_KCONFIG_BINDINGS dirs, ':'-separated).

kconfiglib imports this module because KCONFIG_FUNCTIONS names it.
"""

import os

from devicetree import edtlib

_dts = os.environ.get("SYSINFO_KCONFIG_DTS")
_bindings = [d for d in os.environ.get("SYSINFO_KCONFIG_BINDINGS", "").split(":") if d]
edt = edtlib.EDT(_dts, _bindings) if _dts else None


def _okay(node):
    return node is not None and node.status == "okay"


def _units_shift(unit):
    return {None: 0, "": 0, "k": 10, "K": 10, "m": 20, "M": 20, "g": 30, "G": 30}[unit]


def dt_compat_enabled(kconf, _, compat):
    if edt is None:
        return "n"
    return "y" if any(compat in n.compats and _okay(n) for n in edt.nodes) else "n"


def dt_nodelabel_enabled(kconf, _, label):
    if edt is None:
        return "n"
    return "y" if _okay(edt.label2node.get(label)) else "n"


def dt_nodelabel_reg(kconf, name, label, index=0, unit=None):
    node = edt.label2node.get(label) if edt is not None else None
    index = int(index)
    if node is None or not node.regs or index >= len(node.regs):
        value = 0
    else:
        reg = node.regs[index]
        value = getattr(reg, "size" if "size" in name else "addr") or 0
        value >>= _units_shift(unit)
    return hex(value) if name.endswith("_hex") else str(value)


functions = {
    "dt_compat_enabled": (dt_compat_enabled, 1, 1),
    "dt_nodelabel_enabled": (dt_nodelabel_enabled, 1, 1),
    "dt_nodelabel_reg_size_hex": (dt_nodelabel_reg, 1, 3),
    "dt_nodelabel_reg_size_int": (dt_nodelabel_reg, 1, 3),
    "dt_nodelabel_reg_addr_hex": (dt_nodelabel_reg, 1, 3),
    "dt_nodelabel_reg_addr_int": (dt_nodelabel_reg, 1, 3),
}
