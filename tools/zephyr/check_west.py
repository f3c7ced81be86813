#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a west manifest with west's own Python API (west from PyPI).

1. west.manifest.validate() on the parsed YAML (west's schema check).
2. Manifest.from_file(..., import_flags=ImportFlag.IGNORE) inside a
   throw-away west workspace (a .west/config and the manifest in a git
   repository), which resolves remotes, paths and revisions without cloning
   the imported zephyr manifest (`west manifest --validate` needs it cloned).
3. The project's own rules: zephyr is imported with a name-allowlist naming
   hal_espressif; zephyr and zephyr-lang-rust are pinned (a tag or a full
   SHA, never a branch); `self: path:` is set.

Usage: check_west.py MANIFEST [--expect-fail]
With --expect-fail the manifest must be rejected (negative fixtures).
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from west.manifest import ImportFlag, Manifest, MalformedManifest, validate

from common import CheckError, outcome

SHA = re.compile(r"^[0-9a-f]{40}$")
TAG = re.compile(r"^v\d+\.\d+\.\d+(-rc\d+)?$")
BRANCHES = {"main", "master", "HEAD"}


def pinned(revision):
    return bool(SHA.match(revision) or TAG.match(revision)) and revision not in BRANCHES


def load_in_workspace(manifest_file: Path) -> Manifest:
    """Manifest.from_file() needs a workspace: build a minimal one."""
    with tempfile.TemporaryDirectory() as top:
        top = Path(top)
        data = yaml.safe_load(manifest_file.read_text())
        self_path = (data.get("manifest", {}).get("self") or {}).get("path", "manifest")
        repo = top / self_path
        repo.mkdir(parents=True)
        (repo / "west.yml").write_text(manifest_file.read_text())
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        (top / ".west").mkdir()
        (top / ".west" / "config").write_text(f"[manifest]\npath = {self_path}\nfile = west.yml\n")
        return Manifest.from_file(repo / "west.yml", import_flags=ImportFlag.IGNORE)


def check(manifest_file: Path):
    text = manifest_file.read_text()
    try:
        validate(yaml.safe_load(text))
    except MalformedManifest as e:
        raise CheckError(f"west.manifest.validate: {e}")
    try:
        manifest = load_in_workspace(manifest_file)
    except Exception as e:  # west raises several exception types here
        raise CheckError(f"Manifest.from_file: {type(e).__name__}: {e}")

    data = yaml.safe_load(text)["manifest"]
    if not (data.get("self") or {}).get("path"):
        raise CheckError("manifest.self.path is not set")
    projects = {p.name: p for p in manifest.projects[1:]}
    zephyr = projects.get("zephyr")
    if zephyr is None:
        raise CheckError("no project named zephyr")
    if not pinned(zephyr.revision):
        raise CheckError(f"zephyr revision {zephyr.revision!r} is not a release tag or a full SHA")
    raw_zephyr = next(p for p in data["projects"] if p["name"] == "zephyr")
    allow = (raw_zephyr.get("import") or {}).get("name-allowlist") if isinstance(raw_zephyr.get("import"), dict) else None
    if not allow or "hal_espressif" not in allow:
        raise CheckError("zephyr is not imported with a name-allowlist naming hal_espressif")
    rust = projects.get("zephyr-lang-rust")
    if rust is None and "zephyr-lang-rust" not in allow:
        raise CheckError("zephyr-lang-rust is neither a project nor in the name-allowlist")
    if rust is not None and not pinned(rust.revision):
        raise CheckError(f"zephyr-lang-rust revision {rust.revision!r} is not a full SHA or tag")
    for p in projects.values():
        if not p.url.startswith("https://github.com/zephyrproject-rtos/"):
            raise CheckError(f"project {p.name}: unexpected URL {p.url}")
    return [(p.name, p.revision, p.path, p.url) for p in projects.values()]


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    expect_fail = "--expect-fail" in argv[2:]
    status, projects = outcome(f"west: {path}", lambda: check(path), expect_fail)
    if status is not None:
        return status
    for name, rev, p, url in projects:
        print(f"west: {path}: {name} {rev} at {p} ({url})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
