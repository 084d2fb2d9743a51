"""Start the dashboard in a subprocess and drive it with headless Chromium.

Shared by the browser tests, the screenshot script and the benchmark, so all three
start the server, wait for it and decide "the page has finished drawing" the same way.
The Playwright browser download does not work everywhere, so Debian's chromium is used.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("LVM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float,
                 what: str = "streamlit") -> None:
    """Until ``url``'s health check answers (a server, or nginx in front of servers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not become healthy at {url}")


def start(db_path: str | Path, settings: str | Path | None = None, port: int | None = None,
          timeout: float = 60.0, out=subprocess.DEVNULL,
          args: tuple[str, ...] = (), script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` (or another ``script``) on a free port with its own database, in its own process
    group (so a test can kill -9 it whole); returns the process and the base URL once healthy.
    ``args`` are more Streamlit options, e.g. ``("--secrets.files", path)``."""
    port = port or free_port()
    env = {**os.environ, "LVM_DB": str(db_path)}
    if settings:
        env["LVM_SETTINGS"] = str(settings)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, timeout)
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group started by ``start`` (or nginx), SIGKILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def server(db_path: str | Path, settings: str | Path | None = None, port: int | None = None,
           timeout: float = 60.0, log: str | Path | None = None, args: tuple[str, ...] = ()):
    """``start``, stopped when the block ends; yields the base URL."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = None
    try:
        proc, url = start(db_path, settings, port, timeout, out, args)
        yield url
    finally:
        if proc is not None:
            stop(proc)
        if log:
            out.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Counts the page's script runs in ``window.__runs`` (installed once; returns the count):
# a rerun can start and end between two polls of the state, a count never misses it.
COUNT_RUNS = """() => {
    if (window.__runs === undefined) {
        window.__runs = 0;
        const app = document.querySelector("[data-testid='stApp']");
        new MutationObserver(() => {
            if (app.getAttribute('data-test-script-state') === 'running') window.__runs++;
        }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    }
    return window.__runs;
}"""


# True once the script run has finished and every chart placeholder holds a drawn plot.
DRAWN_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector("[data-testid='stSkeleton']")) return false;
    const holders = document.querySelectorAll("[data-testid='stPlotlyChart']").length;
    const plots = document.querySelectorAll(".js-plotly-plot");
    const drawn = Array.from(plots).filter(p => p.querySelector(".main-svg")).length;
    return plots.length >= holders && drawn === plots.length;
}"""


def wait_drawn(page, timeout: float = 60.0, settle_ms: int = 300) -> None:
    """Until the script run has finished and every chart on the page is drawn.

    Streamlit loads its 4.7 MB Plotly bundle lazily, showing an ``stSkeleton`` meanwhile,
    so "no skeleton, every plot has its SVG" is the signal, not the end of the run alone.
    """
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=timeout * 1000)
    page.wait_for_function(DRAWN_JS, timeout=timeout * 1000, polling=100)
    page.wait_for_timeout(settle_ms)


def full_height(page, width: int = 1400, minimum: int = 900) -> None:
    """Grow the viewport to the content: Streamlit scrolls inside ``stMain``, not the
    document, so a plain full-page screenshot would stop at the first screen."""
    height = page.evaluate("""() => Math.max(
        ...["stMain", "stSidebarContent", "stAppViewContainer"].map(id => {
            const el = document.querySelector(`[data-testid='${id}']`);
            return el ? el.scrollHeight : 0; }))""")
    page.set_viewport_size({"width": width, "height": max(minimum, int(height) + 40)})
    page.wait_for_timeout(600)   # plotly charts re-lay out after the resize
