"""The administrator's side of the GUI (issue 5 §4) against a real backend child process (users, audit, quotas).

One backend for the module (``python main.py backend`` logged into the shared simulator; its first administrator
``admin`` from the admin password file, other users created through the API or through the GUI). The GUI is the
real application: it logs into XProtect (the simulator), then into the backend as a user (remote mode, no API
token), learns the user's permissions from ``GET /api/v1/auth/me`` and shows the Administration menu only when
they allow it. The checks read the backend directly over HTTP.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import keyring.backends.null
import pytest
from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
)

from app.backend_link.options import REMOTE, BackendOptions
from app.credentials import CredentialStore
from app.i18n import install_translators
from app.settings import Settings
from app.viewmodels import MainViewModel
from app.viewmodels.admin_audit import AuditFilters
from backend.api.schemas import API_PREFIX
from backend.launcher import BackendProcess
from tests import test_gui_support as support
from tests.backend_fixtures import milestone_section
from tests.test_gui_i18n import pseudo_catalogue
from tests.test_gui_support import wait_until
from widgets.admin_audit import AuditLogDialog
from widgets.admin_quotas import StreamQuotasDialog
from widgets.admin_users import UsersDialog
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui
make_runtime = support.make_runtime
memory_keyring = support.memory_keyring
__all__ = ["pseudo_catalogue"]  # fixture used below

ADMIN_PASSWORD = "admin password 1"
STRONG = "a strong password 42"
ADMIN_PERMISSIONS = {"users.manage", "audit.read", "quotas.manage"}
MARKS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))  # bidi isolates and marks


def plain(text: str) -> str:
    return text.translate(MARKS)


def has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def server(tmp_path_factory, simulator):
    """A backend child process whose administrator ``admin`` has ADMIN_PASSWORD."""
    secret = tmp_path_factory.mktemp("admin-gui") / "admin-password"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    settings = {"milestone": milestone_section(simulator), "auth": {"admin_password_file": str(secret)}}
    proc = BackendProcess(settings=settings)
    proc.start()
    yield proc
    proc.close()


class Api:
    """Direct HTTP calls to the backend (what the tests check against)."""

    def __init__(self, server: BackendProcess) -> None:
        self.url = server.url
        self.http = httpx.Client(base_url=server.url, timeout=10)

    def login(self, username: str, password: str) -> httpx.Response:
        return self.http.post(f"{API_PREFIX}/auth/login", json={"username": username, "password": password})

    def token(self, username: str, password: str) -> str:
        r = self.login(username, password)
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def as_admin(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token('admin', ADMIN_PASSWORD)}"}
        return self.http.request(method, f"{API_PREFIX}{path}", headers=headers, **kwargs)

    def users(self) -> dict[str, dict]:
        r = self.as_admin("GET", "/users")
        assert r.status_code == 200, r.text
        return {u["username"]: u for u in r.json()["users"]}

    def make_user(self, role: str) -> str:
        name = unique(role[:3])
        body = {"username": name, "password": STRONG, "role": role}
        assert self.as_admin("POST", "/users", json=body).status_code == 201
        return name


@pytest.fixture
def api(server):
    harness = Api(server)
    yield harness
    harness.http.close()


@pytest.fixture
def make_gui(make_runtime, server, simulator, qtbot):
    """``make(username, password)``: (runtime, main window) of the application using ``server`` as that user."""

    def make(username: str, password: str):
        options = BackendOptions(REMOTE, url=server.url, username=username, password=password, health_interval_s=0.5)
        rt = make_runtime(backend=options)
        window = create_main_window(rt.app, rt.vm)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        return rt, window

    return make


async def log_in(rt, window, simulator, permission_known=lambda backend: backend.identity is not None) -> None:
    """Log into XProtect (the simulator): the GUI then logs into the backend as its configured user."""
    window.show()
    assert await rt.vm.login.login_async(simulator.management_url, "admin", simulator.password, None)
    backend = rt.vm.backend
    await wait_until(
        lambda: permission_known(backend),
        30,
        "the GUI to log into the backend and learn its permissions",
        describe=lambda: (backend.state, backend.failure, backend.permissions),
    )


async def in_thread(call, *args, **kwargs):
    """A blocking HTTP check, off the GUI loop (the GUI keeps polling meanwhile)."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: call(*args, **kwargs))


def administers(backend) -> bool:
    return backend.permissions >= ADMIN_PERMISSIONS


ALWAYS_SHOWN = {"&View", "&File"}  # the language and settings menus, whatever the permissions


def visible_menus(window: QMainWindow) -> list[str]:
    """The menus shown that depend on permissions."""
    bar = window.menuBar()
    shown = [a.text() for a in bar.actions() if a.isVisible()] if bar.isVisible() else []
    return [text for text in shown if text not in ALWAYS_SHOWN]


def test_an_admin_sees_the_administration_menu_until_demoted(make_gui, api, simulator):
    name = api.make_user("admin")
    rt, window = make_gui(name, STRONG)
    menu = window.admin_menu
    items = [menu.users_action, menu.audit_action, menu.quotas_action]
    backend = rt.vm.backend

    async def scenario() -> None:
        assert visible_menus(window) == []  # nothing known yet: nothing shown
        await log_in(rt, window, simulator, administers)
        assert backend.identity.username == name and backend.identity.kind == "user"
        assert visible_menus(window) == ["Evidence", "Administration"]
        assert [a.text() for a in items if a.isVisible()] == ["Users…", "Audit log…", "Stream quotas…"]
        dialog = menu.show_audit()
        assert dialog.isVisible()

        # Another administrator makes this user an operator: the menu and the open dialog go at the next poll.
        demoted = await in_thread(api.as_admin, "PATCH", f"/users/{name}", json={"role": "operator"})
        assert demoted.status_code == 200
        await wait_until(lambda: not backend.can("audit.read"), 10, "the GUI to learn the new role")
        assert backend.permissions == {"view", "record", "annotate"}
        assert visible_menus(window) == []
        assert not any(a.isVisible() for a in items) and not menu.menuAction().isVisible()
        assert not dialog.isVisible()  # the audit log closed when the permission went away
        window.close()

    rt.run(scenario())


def test_an_operator_or_supervisor_never_sees_the_administration_menu(make_gui, api, simulator):
    name = api.make_user("supervisor")
    rt, window = make_gui(name, STRONG)

    async def scenario() -> None:
        await log_in(rt, window, simulator)
        assert rt.vm.backend.identity.role == "supervisor"
        assert rt.vm.backend.permissions == {"view", "record", "annotate", "export", "incidents"}
        assert visible_menus(window) == ["Evidence"] and not window.admin_menu.menuAction().isVisible()
        assert not rt.vm.admin.any_granted
        window.close()

    rt.run(scenario())


def test_users_dialog_creates_disables_and_changes_users_and_shows_bilingual_refusals(make_gui, api, simulator, qtbot):
    rt, window = make_gui("admin", ADMIN_PASSWORD)
    new_user = unique("nina")

    async def scenario() -> None:
        await log_in(rt, window, simulator, administers)
        dialog = window.admin_menu.show_users()
        vm = rt.vm.admin.users
        await wait_until(lambda: vm.user("admin") is not None, 10, "the user list")
        assert not dialog.error.isVisible()

        # A weak password: the backend's weak_password message, in English here ...
        dialog.new_name.setText(new_user)
        dialog.new_display.setText("Nina N")
        dialog.new_role.setCurrentIndex(dialog.new_role.findData("supervisor"))
        dialog.new_password.setText("short")
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: dialog.error.isVisible(), 10, "the refusal")
        assert dialog.error.text().startswith("The password must have at least 10 characters")
        assert new_user not in api.users()
        # ... and in Arabic when the application runs in Arabic.
        QLocale.setDefault(QLocale(QLocale.Language.Arabic))
        try:
            assert not await vm.create_user_async(new_user, "short", "supervisor")
            assert has_arabic(vm.error_text) and "10" in vm.error_text
        finally:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))

        # A good one: the user exists in the backend with the role chosen; the passwords typed are cleared.
        dialog.new_password.setText(STRONG)
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.user(new_user) is not None, 10, "the new user")
        backend_user = api.users()[new_user]
        assert (backend_user["role"], backend_user["displayName"], backend_user["disabled"]) == (
            "supervisor",
            "Nina N",
            False,
        )
        assert not dialog.error.isVisible() and dialog.notice.text() == f"User {new_user} created (Supervisor)."
        assert dialog.new_password.text() == "" and dialog.new_name.text() == ""
        api.token(new_user, STRONG)  # the password works

        # The same name again: user_exists.
        assert not await vm.create_user_async(new_user, STRONG, "operator")
        assert vm.error_text == f"A user {new_user} exists already."

        # Disable from the "Selected user" box: the backend refuses the user's log-in at once.
        assert dialog.select_user(new_user)
        assert dialog.disable_button.text() == "Disable" and dialog.disable_button.isEnabled()
        qtbot.mouseClick(dialog.disable_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.user(new_user).disabled, 10, "the user to be disabled")
        assert api.users()[new_user]["disabled"] is True
        refused = api.login(new_user, STRONG)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "user_disabled"
        assert dialog.selected_username() == new_user and dialog.disable_button.text() == "Enable"
        row = next(r for r in range(vm.model.rowCount()) if vm.model.item(r, 0).text() == new_user)
        assert vm.model.item(row, 3).text() == "Disabled"
        qtbot.mouseClick(dialog.disable_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: not vm.user(new_user).disabled, 10, "the user to be enabled")
        assert api.login(new_user, STRONG).status_code == 200

        # Change the role; reset the password (too weak first).
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("operator"))
        qtbot.mouseClick(dialog.role_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.user(new_user).role == "operator", 10, "the new role")
        assert api.users()[new_user]["role"] == "operator"
        dialog.reset_password.setText("tiny")
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: "at least 10 characters" in dialog.error.text(), 10, "the weak_password refusal")
        dialog.reset_password.setText("another strong one 7")
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: "was reset" in dialog.notice.text(), 10, "the password reset")
        assert api.login(new_user, STRONG).status_code == 401
        assert api.login(new_user, "another strong one 7").status_code == 200

        # The last administrator can be neither disabled nor demoted (other tests' administrators disabled first).
        for other, info in api.users().items():
            if other != "admin" and info["role"] == "admin" and not info["disabled"]:
                assert api.as_admin("PATCH", f"/users/{other}", json={"disabled": True}).status_code == 200
        assert not await vm.set_disabled_async("admin", True)
        assert vm.error_text == "admin is the last enabled administrator; make another administrator first."
        assert dialog.error.isVisible() and dialog.error.text() == vm.error_text
        assert not await vm.set_role_async("admin", "operator")
        assert api.users()["admin"]["role"] == "admin"
        window.close()

    rt.run(scenario())


def test_audit_log_lists_the_calls_newest_first_filters_by_user_and_pages(make_gui, api, simulator, qtbot):
    rt, window = make_gui("admin", ADMIN_PASSWORD)
    name = unique("audi")

    async def scenario() -> None:
        await log_in(rt, window, simulator, administers)
        users = rt.vm.admin.users
        started = datetime.now(UTC) - timedelta(seconds=1)
        assert await users.create_user_async(name, STRONG, "operator")
        api.token(name, STRONG)  # the new user logs in (an audited call by that user)
        assert api.login(name, "wrong password").status_code == 401
        assert await users.set_disabled_async(name, True)

        dialog = window.admin_menu.show_audit()
        vm = rt.vm.admin.audit
        await wait_until(lambda: len(vm.entries) >= 4, 10, "the audit entries")
        ids = [e.id for e in vm.entries]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)  # newest first
        mine = [(e.actor, e.action, e.outcome) for e in vm.entries if name in (e.actor + e.target + str(e.detail))]
        assert mine[:4] == [
            ("admin", "PATCH /api/v1/users/{username}", "success"),
            (name, "POST /api/v1/auth/login", "denied"),
            (name, "POST /api/v1/auth/login", "success"),
            ("admin", "POST /api/v1/users", "success"),
        ]
        newest = vm.entries[0]
        assert plain(vm.model.item(0, 0).text()) == newest.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        assert newest.at >= started
        assert vm.model.item(0, 4).text() == "Success" and "PATCH /api/v1/users/{username}" in vm.known_actions

        # Filter by user (typed in the dialog): only that user's calls.
        dialog.actor.setText(name)
        qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.filters.actor == name, 10, "the filtered search")
        assert [(e.actor, e.outcome) for e in vm.entries] == [(name, "denied"), (name, "success")]
        assert vm.model.rowCount() == 2 and {vm.model.item(r, 1).text() for r in range(2)} == {name}
        assert dialog.count_label.text() == "2 entries." and not dialog.older_button.isEnabled()

        # The dialog's time range is local time: "From" one minute before the calls finds them all.
        dialog.actor.clear()
        dialog.use_since.setChecked(True)
        dialog.since.setDateTime(QDateTime.fromSecsSinceEpoch(int(started.timestamp()) - 60))
        since = dialog.filters().since
        assert since is not None and since.tzinfo is not None and 0 < (started - since).total_seconds() <= 120
        qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.filters.since == since, 10, "the search from a time")
        assert all(e.at >= since for e in vm.entries) and len(vm.entries) >= 4
        dialog.use_since.setChecked(False)

        # Outcome and action filters; a time range that excludes everything.
        dialog.actor.clear()
        dialog.outcome.setCurrentIndex(dialog.outcome.findData("denied"))
        dialog.action.setEditText("POST /api/v1/auth/login")
        assert await vm.search_async(dialog.filters())
        assert vm.entries and all(e.outcome == "denied" and e.action == "POST /api/v1/auth/login" for e in vm.entries)
        assert await vm.search_async(AuditFilters(until=started - timedelta(days=365)))
        assert vm.entries == [] and vm.model.rowCount() == 0
        assert not await vm.search_async(AuditFilters(since=started, until=started))
        assert "before its end" in vm.error_text

        # Paging: two at a time, "Older entries" appends the next page, newest first throughout.
        vm.page_size = 2
        assert await vm.search_async(AuditFilters(since=started))
        assert len(vm.entries) == 2 and vm.has_older and dialog.older_button.isEnabled()
        qtbot.mouseClick(dialog.older_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: len(vm.entries) == 4, 10, "the older page")
        ids = [e.id for e in vm.entries]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4 and vm.model.rowCount() == 4
        assert all(e.at >= started for e in vm.entries)
        window.close()

    rt.run(scenario())


def test_stream_quotas_dialog_sets_limits_and_follows_the_use(make_gui, api, simulator, qtbot):
    rt, window = make_gui("admin", ADMIN_PASSWORD)
    agency = unique("AG_").upper()

    async def scenario() -> None:
        token = api.token("admin", ADMIN_PASSWORD)
        await log_in(rt, window, simulator, administers)
        dialog = window.admin_menu.show_quotas()
        vm = rt.vm.admin.stream_limits
        await wait_until(lambda: vm.agency("BUS") is not None, 10, "the agencies")
        assert {"BUS", "DUBAI_POLICE", "METRO", "OTHER"} <= {a.agency for a in vm.agencies}

        # Select BUS, set 7: the backend's stats show it.
        assert dialog.select_agency("BUS")
        row = dialog.table.selectionModel().selectedRows()[0].row()
        assert dialog.agency.currentText() == "BUS" and dialog.limit.value() == vm.agency("BUS").limit
        dialog.limit.setValue(7)
        qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.agency("BUS").limit == 7, 10, "the new limit")
        stats = {a["agency"]: a for a in api.as_admin("GET", "/stream/stats").json()["agencies"]}
        assert stats["BUS"]["limit"] == 7 and vm.model.item(row, 1).text() == "7"
        assert dialog.notice.text() == "The limit of BUS is now 7 streams."

        # A new agency (typed in lower case) gets a limit; a bad name is refused before any call.
        dialog.agency.setEditText(agency.lower())
        dialog.limit.setValue(3)
        qtbot.mouseClick(dialog.set_button, Qt.MouseButton.LeftButton)
        await wait_until(lambda: vm.agency(agency) is not None, 10, "the new agency")
        assert {a["agency"]: a["limit"] for a in api.as_admin("GET", "/stream/stats").json()["agencies"]}[agency] == 3
        assert not await vm.set_limit_async("not valid!", 5)
        assert "1 to 32 letters" in dialog.error.text()

        # A stream reserved elsewhere: the quota_changed event updates "In use" while the dialog is open.
        body = {"cameraId": "cam-x", "kind": "live", "agency": agency}
        headers = {"Authorization": f"Bearer {token}"}
        reserved = api.http.post(f"{API_PREFIX}/stream/reserve", json=body, headers=headers)
        assert reserved.status_code == 200, reserved.text
        await wait_until(lambda: vm.agency(agency).used == 1, 10, "the quota_changed event")
        row = next(r for r in range(vm.model.rowCount()) if vm.model.item(r, 0).text() == agency)
        assert [vm.model.item(row, c).text() for c in (1, 2, 3)] == ["3", "1", "2"]
        api.http.delete(f"{API_PREFIX}/stream/release/{reserved.json()['reservationId']}", headers=headers)
        window.close()

    rt.run(scenario())


def test_every_administration_text_is_translated_and_right_to_left(qapp, qtbot, pseudo_catalogue):
    """Under the pseudo-Arabic catalogue of test_gui_i18n every text of the menu and the three dialogs comes out
    translated (wrapped in ‹…›) and the dialogs lay out right to left."""
    directory, _ = pseudo_catalogue
    translators = install_translators(qapp, "ar", directory)
    try:
        vm = MainViewModel(Settings(None, environ={}), CredentialStore(keyring.backends.null.Keyring()), None)
        window = create_main_window(qapp, vm)
        qtbot.addWidget(window)
        menu = window.admin_menu
        dialogs = [
            UsersDialog(vm.admin.users, window),
            AuditLogDialog(vm.admin.audit, window),
            StreamQuotasDialog(vm.admin.stream_limits, window),
        ]
        texts = [menu.title(), *(a.text() for a in menu.actions()), *(a.toolTip() for a in menu.actions())]
        for dialog in dialogs:
            assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
            texts.append(dialog.windowTitle())
            texts += [w.text() for w in dialog.findChildren(QLabel) if w.text() and w.objectName() != "adminError"]
            texts += [w.text() for w in dialog.findChildren(QAbstractButton) if w.text()]
            texts += [w.title() for w in dialog.findChildren(QGroupBox)]
            texts += [w.placeholderText() for w in dialog.findChildren(QLineEdit) if w.placeholderText()]
            for combo in dialog.findChildren(QComboBox):
                if not combo.isEditable():
                    texts += [combo.itemText(i) for i in range(combo.count())]
            model = dialog.table.model()
            texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
        texts.append(dialogs[2].limit.suffix())
        texts = [t.replace("&", "") for t in texts if t.strip()]
        untranslated = [t for t in texts if "‹" not in t and not has_arabic(t)]
        assert not untranslated, f"shown without translation: {untranslated}"
        assert len(texts) > 50
        window.close()
    finally:
        for translator in translators:
            QApplication.removeTranslator(translator)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
