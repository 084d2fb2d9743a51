"""A Streamlit session without a browser: the websocket protocol a browser tab speaks.

The load benchmark runs most of its sessions through this client so that the server,
not 25 Chromium renderers sharing the server's 2 cores, is what gets measured (a real
viewer's browser runs on the viewer's own machine). It sends what the frontend sends on
a click (``BackMsg.rerun_script`` with the widget states and the page) and counts a step
done when the server reports the run finished; deltas are read only for the widgets'
ids and options, the pages, and any exception or lock message shown.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_TEXT_ELEMENTS = ("markdown", "alert")
LOCK_ERRORS = ("could not set lock", "conflicting lock", "file handle conflict")


@dataclass
class Run:
    seconds: float
    errors: list[str] = field(default_factory=list)


class Session:
    """One viewer: ``await session.open(url, path)``, then ``rerun``, ``choose``, ``go``."""

    def __init__(self) -> None:
        self.ws = None
        self.pages: dict[str, str] = {}          # page name -> script hash
        self.page_hash = ""
        self.widgets: dict[str, object] = {}     # label -> the widget's element proto
        self.states: dict[str, list[str]] = {}   # widget id -> chosen options
        self.query = ""
        self.metrics: dict[str, str] = {}        # label -> value of the last run's metrics
        self.arrived: list[str] = []             # element types in the order they came

    async def open(self, url: str, path: str = "", query: str = "") -> Run:
        ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=60)
        self.query = query
        return await self._run(page_name=path)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def go(self, page: str) -> Run:
        """Switch to the page named ``page`` (as the sidebar navigation lists it)."""
        self.page_hash = self.pages[page]
        self.widgets.clear()
        return await self._run()

    async def choose(self, label: str, options: list[str]) -> Run:
        """Set the multiselect labelled ``label`` to ``options`` (a filter change)."""
        widget = self.widgets[label]
        self.states[widget.id] = list(options)
        return await self._run()

    def options(self, label: str) -> list[str]:
        return list(self.widgets[label].options) if label in self.widgets else []

    async def _run(self, page_name: str = "") -> Run:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = page_name
        for wid, values in self.states.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            w.string_array_value.data.extend(values)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._until_finished(start)

    async def _until_finished(self, start: float, timeout: float = 120.0) -> Run:
        run = Run(0.0)
        async with asyncio.timeout(timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "delta":
                    self._read_delta(fwd.delta, run)
                elif kind == "navigation":
                    self.pages = {p.page_name: p.page_script_hash
                                  for p in fwd.navigation.app_pages}
                    self.page_hash = fwd.navigation.page_script_hash or self.page_hash
                elif kind == "script_finished":
                    if fwd.script_finished in (0, 1):     # finished (or its fragment)
                        run.seconds = time.perf_counter() - start
                        return run
                    if fwd.script_finished == 2:          # stopped for a newer rerun
                        continue
                    run.errors.append(f"script finished with status {fwd.script_finished}")
                    run.seconds = time.perf_counter() - start
                    return run

    def _read_delta(self, delta, run: Run) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        self.arrived.append(kind)
        if kind in ("multiselect", "selectbox"):
            widget = getattr(element, kind)
            self.widgets[widget.label] = widget
        elif kind == "metric":
            self.metrics[element.metric.label] = element.metric.body
        elif kind == "exception":
            run.errors.append("exception: " + " ".join(element.exception.message.split())[:90])
        elif kind in _TEXT_ELEMENTS:
            body = getattr(element, kind).body
            if any(e in body.lower() for e in LOCK_ERRORS):
                run.errors.append("on the page: " + " ".join(body.split())[:90])
