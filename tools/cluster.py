"""Several dashboard servers behind nginx with sticky sessions, on one database file.

    python tools/cluster.py --servers 2 --port 8500            # try it: http://127.0.0.1:8500
    python tools/cluster.py --print-config --ports 8501 8502   # the snippet for /etc/nginx/conf.d

``cluster()`` is what the multi-server test and the load benchmark share: N ``streamlit run
app.py`` processes on free ports (``tools.serve.start``) and Debian's nginx with a config
rendered from ``deploy/nginx-lvm.conf`` into a temporary directory, running as the current
user in the foreground (``daemon off``), listening on 127.0.0.1 only, with its pid, logs
and temporary files in that directory. docs/DEPLOY.md is the production recipe.
"""
from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.serve import free_port, start, stop, wait_healthy  # noqa: E402

NGINX = os.environ.get("LVM_NGINX", "/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx-lvm.conf"
COOKIE = "lvm_server"

MAIN = """# written by tools/cluster.py
{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/lvm.conf;
}}
"""


def name(i: int) -> str:
    """The cookie value naming the i-th server (0-based): s1, s2, …"""
    return f"s{i + 1}"


def render(ports: list[int], listen: str = "127.0.0.1:8500", host: str = "127.0.0.1",
           access_log: str = "/var/log/nginx/lvm-access.log") -> str:
    """``deploy/nginx-lvm.conf`` filled in for servers on ``host`` at ``ports``."""
    addrs = [f"{host}:{p}" for p in ports]
    each = "\n".join(
        f"upstream lvm_{name(i)} {{\n    server {a};\n"
        + "".join(f"    server {b} backup;\n" for b in addrs if b != a) + "}"
        for i, a in enumerate(addrs))
    parts = {
        "{{ANY}}": "\n".join(f"    server {a};" for a in addrs),
        "{{EACH}}": each,
        "{{ROUTES}}": "\n".join(f"    {name(i)} lvm_{name(i)};" for i in range(len(addrs))),
        "{{SERVED}}": "\n".join(f'    "~{a.replace(".", "[.]")}$" {name(i)};'
                                for i, a in enumerate(addrs)),
        "{{LISTEN}}": listen,
        "{{ACCESS_LOG}}": access_log,
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for marker, value in parts.items():
        text = text.replace(marker, value)
    return text


@dataclass
class Cluster:
    url: str                                   # nginx's address: what a browser opens
    servers: list[str]                         # each server's own base URL, s1 first
    pids: list[int]                            # each server's process id
    tmp: Path                                  # config, pid file, logs

    @property
    def access_log(self) -> Path:
        return self.tmp / "access.log"

    def access_lines(self, until=None, timeout: float = 10.0) -> list[dict]:
        """nginx's access log as dicts: request, status, upstream (the addresses tried,
        comma-separated, as nginx writes them), cookie. nginx writes a line only after the
        response has gone out (a websocket's when it closes), so a caller that has just been
        answered passes ``until`` (rows -> bool) and the log is re-read until it holds."""
        deadline = time.monotonic() + timeout
        while True:
            rows = [m.groupdict() for line in
                    self.access_log.read_text(errors="replace").splitlines()
                    if (m := _LOG_LINE.search(line))]
            if until is None or until(rows) or time.monotonic() > deadline:
                return rows
            time.sleep(0.05)


_LOG_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d+) upstream=(?P<upstream>.*) '
                       r'cookie=(?P<cookie>\S*)$')


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    wait_healthy(url, proc, timeout, what="nginx")


def start_nginx(tmp: Path, ports: list[int], port: int | None = None
                ) -> tuple[subprocess.Popen, str]:
    """Debian's nginx in the foreground with a config written to ``tmp``; returns the
    process and its URL once it proxies a health check."""
    port = port or free_port()
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
    (tmp / "lvm.conf").write_text(render(ports, f"127.0.0.1:{port}",
                                         access_log=str(tmp / "access.log")))
    # Run as root, nginx would hand its workers to "nobody": keep them the current user.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(MAIN.format(user=user, tmp=tmp))
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                             "-e", str(tmp / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.out", "wb"),
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    _wait_up(url, proc)
    return proc, url


@contextlib.contextmanager
def cluster(db_path: str | Path, n: int = 2, settings: str | Path | None = None,
            port: int | None = None, timeout: float = 90.0, args: tuple[str, ...] = ()):
    """``n`` servers on ``db_path`` (started side by side) behind nginx; yields a Cluster,
    and stops nginx and every server when the block ends. Server logs are
    ``streamlit-s1.log``… in ``Cluster.tmp``."""
    with tempfile.TemporaryDirectory(prefix="lvm_cluster_") as tmp:
        tmp = Path(tmp)
        procs: list[subprocess.Popen] = []
        logs = [open(tmp / f"streamlit-{name(i)}.log", "wb") for i in range(n)]
        try:
            with ThreadPoolExecutor(n) as pool:
                futures = [pool.submit(start, db_path, settings, None, timeout, logs[i], args)
                           for i in range(n)]
                errors = []
                for f in futures:
                    try:
                        procs.append(f.result()[0])
                    except Exception as exc:  # noqa: BLE001 - stop the others, then raise
                        errors.append(exc)
                if errors:
                    raise errors[0]
            urls = [u for _, u in (f.result() for f in futures)]
            nginx, url = start_nginx(tmp, [int(u.rsplit(":", 1)[1]) for u in urls], port)
            procs.append(nginx)
            yield Cluster(url, urls, [p.pid for p in procs[:n]], tmp)
        finally:
            for proc in reversed(procs):          # nginx first, then the servers
                stop(proc)
            for log in logs:
                log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8500, help="nginx's port on 127.0.0.1")
    parser.add_argument("--db", help="database file (default: the settings' db_path)")
    parser.add_argument("--print-config", action="store_true",
                        help="print the nginx snippet for servers at --ports and exit")
    parser.add_argument("--ports", type=int, nargs="+", default=[8501, 8502])
    parser.add_argument("--listen", default="127.0.0.1:8500")
    args = parser.parse_args()
    if args.print_config:
        print(render(args.ports, args.listen))
        return
    from lvm_data.settings import load_settings
    db = Path(args.db).resolve() if args.db else load_settings().db_path  # servers run in ROOT
    with cluster(db, args.servers, port=args.port) as c:
        print(f"{args.servers} servers {' '.join(c.servers)} behind {c.url} (logs in {c.tmp});"
              " Ctrl-C stops them", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
