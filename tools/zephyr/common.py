# SPDX-License-Identifier: Apache-2.0
"""What the check scripts in this directory share: the error a check raises
for an input it rejects, and how the outcome of a check becomes messages and
an exit status, with `--expect-fail` for the negative fixtures.

The scripts are run as `python tools/zephyr/check_*.py`, so this directory is
on sys.path and `from common import ...` finds this file.
"""

import sys


class CheckError(Exception):
    """The input is rejected; the message says why."""


def outcome(prefix, check, expect_fail, first_line=False):
    """Runs `check()` and reports under `prefix` (e.g. "west: west.yml").

    Returns `(status, result)`. `status` is the exit status when the outcome
    is decided here: 0 for an expected rejection, 1 for an unexpected
    rejection or for an input accepted although `expect_fail` says it must be
    rejected. It is None when the input passed as it must; then `result` is
    what `check()` returned, for the caller to report. With `first_line`, an
    expected rejection prints only the first line of its message.
    """
    try:
        result = check()
    except CheckError as e:
        if expect_fail:
            message = f"{prefix}: rejected as expected: {e}"
            print(message.splitlines()[0] if first_line else message)
            return 0, None
        print(f"{prefix}: {e}", file=sys.stderr)
        return 1, None
    if expect_fail:
        print(f"{prefix}: was accepted but must be rejected", file=sys.stderr)
        return 1, None
    return None, result


def each_file(tag, files, check, expect_fail, passed):
    """`outcome` of `check(file)` for every file in turn, reported under
    "TAG: FILE"; for a file that passed as it must, prints
    "TAG: FILE: " + `passed(result)`. Returns 1 when any outcome is a
    failure, else 0.
    """
    status = 0
    for f in files:
        failed, result = outcome(f"{tag}: {f}", lambda: check(f), expect_fail)
        if failed is None:
            print(f"{tag}: {f}: {passed(result)}")
        elif failed:
            status = 1
    return status
