"""Command line of the operator application: ``main.py gui`` and ``main.py demo``.

It builds the runtime (app layer); the main window comes from a factory that ``main.py``, the composition
root, passes in (``widgets.shell.create_main_window``), so that the app layer never imports widgets.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from .backend_link.options import options_from_settings
from .bootstrap import Runtime, WindowFactory, configure_logging
from .credentials import CredentialStore
from .settings import Settings
from .viewmodels import Layout

log = logging.getLogger(__name__)

LAYOUT_NAMES = [layout.value for layout in Layout]


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``main.py gui``."""
    parser.add_argument("--server", metavar="URL", help="XProtect management server, e.g. https://vms.example.com")
    parser.add_argument("--user", help="user name (basic user, or DOMAIN\\user for a Windows user)")
    parser.add_argument(
        "--password-file", metavar="PATH", type=Path, help="file whose first line is the password (never logged)"
    )
    parser.add_argument("--layout", choices=LAYOUT_NAMES, help="wall layout to start with")
    parser.add_argument(
        "--backend-url",
        metavar="URL",
        help="use this remote backend (API token from the keyring or the backend_token_file setting); "
        "default: start the bundled backend",
    )
    add_language_arguments(parser)
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def add_language_arguments(parser: argparse.ArgumentParser) -> None:
    """``--language`` and ``--calendar`` (both also switchable at run time in View ▸ Language / Calendar)."""
    parser.add_argument(
        "--language", choices=["en", "ar"], help="language of the application (default: the language setting)"
    )
    parser.add_argument(
        "--calendar",
        choices=["gregorian", "hijri"],
        help="calendar of the dates shown: Gregorian or Hijri (Umm al-Qura) (default: the calendar setting)",
    )


def apply_language_arguments(args: argparse.Namespace, settings: Settings) -> None:
    """Put ``--language`` / ``--calendar`` into ``settings`` (before the Runtime reads them)."""
    if getattr(args, "language", None):
        settings.set("language", args.language)
    if getattr(args, "calendar", None):
        settings.set("calendar", args.calendar)


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``main.py demo``."""
    parser.add_argument("--cameras", type=int, default=8, help="number of simulated cameras (default 8)")
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="run this long, then write screenshots and a summary and exit (default 20 without a display; "
        "with a display the demo runs until the window is closed)",
    )
    parser.add_argument("--output", type=Path, default=Path("demo-output"), help="where screenshots and summary go")
    parser.add_argument("--offscreen", action="store_true", help="render offscreen even when a display exists")
    add_language_arguments(parser)
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def read_password_file(path: Path) -> str:
    """The first line of ``path`` without its line ending. Raises OSError when unreadable."""
    text = path.read_text(encoding="utf-8")
    return text.splitlines()[0] if text else ""


def run_gui(args: argparse.Namespace, create_main_window: WindowFactory) -> int:
    """Run the operator application; returns the process exit code.

    ``create_main_window(app, vm)`` builds the main window for the main view-model.

    Without ``--server``/``--user``/``--password-file`` the login dialog opens pre-filled from the settings and
    the keyring. With them, the application logs in directly (the password from the file or, failing that,
    the keyring) and opens the dialog only if that fails or something is missing.

    After each XProtect login the bundled backend is started for the same server and user (or the remote
    backend of the ``backend_url`` setting is used; ``--backend-url`` sets it).
    """
    configure_logging(args.log_level)
    settings = Settings.for_user()
    if args.server:
        settings.set("server_url", args.server)
    if args.user:
        settings.set("username", args.user)
    password = ""
    if args.password_file is not None:
        try:
            password = read_password_file(args.password_file)
        except OSError as exc:
            log.error("cannot read the password file %s: %s", args.password_file, exc.strerror)
            return 2
    if args.backend_url:
        settings.set("backend_url", args.backend_url)
    apply_language_arguments(args, settings)
    credentials = CredentialStore()
    runtime = Runtime(settings, credentials, backend=options_from_settings(settings, credentials))
    runtime.install_signal_handlers()
    window = create_main_window(runtime.app, runtime.vm)
    direct = bool(args.server or args.user or args.password_file)

    async def main() -> int:
        window.sigCloseRequested.connect(runtime.quit_requested.set)
        window.show()
        login = runtime.vm.login
        secret = password or (login.saved_password() if direct else "")
        if direct and login.server_url and login.username and secret:
            remember = None if args.password_file is not None else login.remember_password
            if not await login.login_async(login.server_url, login.username, secret, remember):
                window.show_login()
        else:
            window.show_login()
        if args.layout:
            runtime.vm.wall.set_layout(Layout.parse(args.layout))
        await runtime.quit_requested.wait()
        return 0

    return run_logged(runtime, main())


def run_logged(runtime: Runtime, main) -> int:
    """``runtime.run(main)``, with an unexpected exception logged and turned into exit code 1."""
    try:
        return int(runtime.run(main))
    except Exception:
        log.exception("the application failed")
        return 1


def run_demo(args: argparse.Namespace, create_main_window: WindowFactory) -> int:
    """Simulator + operator application logged in as admin with the wall filled; see ``app.demo``."""
    from .demo import run_demo as run  # imported here: app.demo imports this module

    configure_logging(args.log_level)
    return run(args, create_main_window)
