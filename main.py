"""Entry point of the control-room video product.

Subcommands:
  gui        the operator application (default)
  backend    the headless backend service (recording, storage, API)
  simulator  an XProtect-compatible server with synthetic cameras, for demos and tests
  demo       simulator + operator application logged into it, with the wall filled
  users      manage the backend's users (add, passwd, set, list)
  verify-export  check an evidence export package against its manifest
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys

COMMANDS = ("gui", "backend", "simulator", "demo", "users", "verify-export")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser: one sub-parser per process kind (DESIGN.md §2).

    Only the chosen ``command``'s options are loaded (None: all of them, for ``--help``), so that
    ``main.py backend`` and ``main.py simulator`` never import Qt: the GUI's modules (app.cli) are imported
    for ``gui``, ``demo`` and the overall help only.
    """
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    gui = sub.add_parser("gui", help="run the operator application (default)")
    backend = sub.add_parser("backend", help="run the headless backend service")
    simulator = sub.add_parser("simulator", help="run the XProtect-compatible simulator")
    demo = sub.add_parser("demo", help="run the simulator and the operator application together")
    users = sub.add_parser("users", help="manage the backend's users")
    verify = sub.add_parser("verify-export", help="check an evidence export package against its manifest")
    if command in (None, "gui", "demo"):
        from app.cli import add_demo_arguments, add_gui_arguments

        add_gui_arguments(gui)
        add_demo_arguments(demo)
    if command in (None, "backend"):
        from backend.cli import add_backend_arguments

        add_backend_arguments(backend)
    if command in (None, "users"):
        from backend.auth.cli import add_users_arguments

        add_users_arguments(users)
    if command in (None, "verify-export"):
        from backend.exports.cli import add_verify_arguments

        add_verify_arguments(verify)
    if command in (None, "simulator"):
        from simulator.cli import add_simulator_arguments

        add_simulator_arguments(simulator)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the process exit code."""
    multiprocessing.freeze_support()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list.insert(0, "gui")
    command = args_list[0] if args_list[0] in COMMANDS else None
    args = build_parser(command).parse_args(args_list)
    if args.command == "simulator":
        from simulator.cli import run_simulator

        return run_simulator(args)
    if args.command == "backend":
        from backend.cli import run_backend

        return run_backend(args)
    if args.command == "verify-export":
        from backend.exports.cli import run_verify

        return run_verify(args)
    if args.command == "users":
        from backend.auth.cli import run_users

        return run_users(args)
    # The composition root: the app layer gets the widget layer's window factory, never imports it.
    from widgets.shell import create_main_window

    if args.command == "demo":
        from app.cli import run_demo

        return run_demo(args, create_main_window)
    from app.cli import run_gui

    return run_gui(args, create_main_window)


if __name__ == "__main__":
    sys.exit(main())
