"""The processes the publishing benchmarks run: the sandbox platforms behind daphne, Celery
workers and beat, each a child in its own process group, configured from one environment so
they share the benchmark's database and Redis. Also: resident memory of a process tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(sandbox_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "true",
        "IGNORE_DOTENV": "true",
        "SANDBOX_PLATFORMS": "true",
        "SANDBOX_BASE_URL": sandbox_url,
        "PUBLIC_BASE_URL": sandbox_url,
        "LOG_LEVEL": "WARNING",
        # The benchmark sends thousands of posts per account: lift the sandbox's X window.
        "SANDBOX_X_TWEETS_PER_WINDOW": "100000000",
        **extra,
    }


class Child:
    def __init__(self, args: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)

    def rss_mib(self) -> float:
        """Resident memory of this process and all its descendants (pool children)."""
        return tree_rss_mib(self.proc.pid)


def sandbox_server() -> tuple[Child, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    child = Child(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "config.asgi:application"],
        child_env(url),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code in (200, 503):
                return child, url
        except requests.ConnectionError:
            time.sleep(0.3)
    child.stop()
    raise RuntimeError("the sandbox server did not start")


def celery(args: list[str], sandbox_url: str, **env: str) -> Child:
    return Child(
        [sys.executable, "-m", "celery", "-A", "config", *args], child_env(sandbox_url, **env)
    )


def worker(
    sandbox_url: str, *, concurrency: int = 2, queues: str = "celery,publish", **env: str
) -> Child:
    return celery(
        ["worker", "-Q", queues, "-c", str(concurrency), "-P", "prefork", "-l", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"bench{time.time_ns()}@%h"],
        sandbox_url, **env,
    )  # fmt: skip


def beat(sandbox_url: str, **env: str) -> Child:
    return celery(["beat", "-l", "WARNING", "--pidfile="], sandbox_url, **env)


def purge(sandbox_url: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q", "celery,publish"],
        cwd=ROOT, env=child_env(sandbox_url), capture_output=True, timeout=60, check=False,
    )  # fmt: skip


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def tree_rss_mib(pid: int) -> float:
    total_kib = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        stack.extend(_children(current))
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total_kib += int(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024
