# SPDX-License-Identifier: Apache-2.0
"""`west sysinfo pools|map|dump`: the amp-sysinfo inspector on a build directory.

Calls the host CLI `amp-sysinfo` (crates/amp-sysinfo-cli), building it with
cargo on first use if it is not found. See docs/inspector.md.
"""

import argparse
import os
import shutil
import subprocess
from pathlib import Path

from west.commands import CommandError, WestCommand

MODULE = Path(__file__).resolve().parent.parent
MONITOR = 'qemu-monitor.sock'

DESCRIPTION = '''\
Inspect the SysInfo pools of a Zephyr build.

  west sysinfo pools                   pools of build/zephyr/zephyr.dts, checked
  west sysinfo map                     memory map: pools, zephyr.elf sections, reserved nodes
  west sysinfo dump FILE@ADDR...       decode the tables in memory dumps
  west sysinfo dump --qemu [SOCKET]    read them from a running `west build -t run`

For --qemu, configure the build with a monitor socket:
  west build ... -- "-DQEMU_EXTRA_FLAGS=-monitor;unix:$PWD/build/qemu-monitor.sock,server,nowait"
Other options are passed to amp-sysinfo (see `amp-sysinfo dump --help`).
'''


def cli_path():
    """The amp-sysinfo binary: $AMP_SYSINFO_CLI, PATH, or the module's own build."""
    env = os.environ.get('AMP_SYSINFO_CLI')
    if env:
        return Path(env)
    found = shutil.which('amp-sysinfo')
    if found:
        return Path(found)
    target = Path(os.environ.get('CARGO_TARGET_DIR', MODULE / 'target'))
    return target / 'release' / 'amp-sysinfo'


def ensure_cli(log):
    exe = cli_path()
    if exe.is_file():
        return exe
    cargo = os.environ.get('CARGO', 'cargo')
    log('amp-sysinfo not found: building it (cargo build --release -p amp-sysinfo-cli)')
    rc = subprocess.call([cargo, 'build', '--release', '--quiet', '-p', 'amp-sysinfo-cli',
                          '--bin', 'amp-sysinfo'], cwd=MODULE)
    if rc != 0 or not exe.is_file():
        raise CommandError(returncode=3)
    return exe


class Sysinfo(WestCommand):

    def __init__(self):
        super().__init__('sysinfo',
                         'SysInfo pools of a build, its memory map, tables in memory dumps',
                         DESCRIPTION, accepts_unknown_args=True)

    def do_add_parser(self, parser_adder):
        parser = parser_adder.add_parser(self.name, help=self.help, description=self.description,
                                         formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument('-d', '--build-dir', default=None,
                            help='build directory (default: build)')
        parser.add_argument('action', choices=['pools', 'map', 'dump'])
        parser.add_argument('--json', action='store_true', help='JSON output')
        parser.add_argument('--qemu', nargs='?', const='', default=None, metavar='SOCKET',
                            help=f'dump: read a running QEMU (default socket: BUILD_DIR/{MONITOR})')
        return parser

    def do_run(self, args, unknown):
        build = Path(args.build_dir or 'build')
        exe = ensure_cli(self.inf)
        cmd = [str(exe), args.action]
        if args.json:
            cmd.append('--json')
        if args.action == 'dump':
            cmd += ['--build-dir', str(build)]
            if args.qemu is not None:
                cmd += ['--qemu', args.qemu or str((build / MONITOR).resolve())]
        else:
            cmd.append(str(build))
        cmd += unknown
        self.dbg('running', ' '.join(cmd))
        rc = subprocess.call(cmd)
        if rc != 0:
            raise CommandError(returncode=rc)
