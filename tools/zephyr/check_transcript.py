#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Matches a console transcript against the console-harness regexes of one
scenario of a sample.yaml / testcase.yaml, the way twister's Console harness
does (zephyr scripts/pylib/twister/twisterlib/harness.py, read in the index,
ids 54712715 and 21468865): `one_line` passes when a line matches the (first) regex; `multi_line`
when every regex matches a line, in order if `ordered: true`. The transcripts
come from the host runs of the same code the board runs
(samples/sysinfo/app/tests/host.rs), so a regex that the code can no longer
produce is caught here, not on the board.

Usage: check_transcript.py YAML SCENARIO TRANSCRIPT [--expect-fail]
"""

import re
import sys
from pathlib import Path

import yaml

from common import CheckError, outcome


def harness_config(doc, scenario):
    common = doc.get("common") or {}
    sc = (doc.get("tests") or {}).get(scenario)
    if sc is None:
        raise SystemExit(f"no scenario {scenario!r}")
    merged = dict(common)
    merged.update(sc or {})
    if merged.get("harness") != "console":
        raise SystemExit(f"{scenario}: not a console harness")
    return merged.get("harness_config") or {}


def match(cfg, lines):
    regexes = [re.compile(r) for r in cfg.get("regex") or []]
    kind = cfg.get("type", "one_line")
    if kind == "one_line":
        regexes = regexes[:1]
    # twister's Harness.configure: ordered defaults to True; an ordered
    # multi_line harness advances by at most one pattern per line.
    if cfg.get("ordered", True) or kind == "one_line":
        i = 0
        for line in lines:
            if i < len(regexes) and regexes[i].search(line):
                i += 1
        return [r.pattern for r in regexes[i:]]
    return [r.pattern for r in regexes if not any(r.search(l) for l in lines)]


def main(argv):
    yml, scenario, transcript = Path(argv[1]), argv[2], Path(argv[3])
    expect_fail = "--expect-fail" in argv
    cfg = harness_config(yaml.safe_load(yml.read_text()), scenario)

    def check():
        missing = match(cfg, transcript.read_text().splitlines())
        if missing:
            raise CheckError(f"does not match; first unmatched regex: {missing[0]!r}")

    status, _ = outcome(f"transcript: {scenario}: {transcript}", check, expect_fail)
    if status is not None:
        return status
    print(f"transcript: {scenario}: {transcript.name} matches all {len(cfg.get('regex') or [])} regexes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
