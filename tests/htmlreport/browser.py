"""Open a page in Debian's headless Chromium and ask it what it rendered, over the DevTools
protocol on a pipe (`--remote-debugging-pipe`: the browser reads commands on fd 3 and answers
on fd 4, each message JSON ending in a NUL byte). Standard library only.

    seen = open_page(Path("report.html"), screenshot=Path("shot.png"))
    seen.errors      script errors, console errors and failed loads (expected: none)
    seen.charts      `figure.chart svg` elements; seen.rendered: those with a visible box
    seen.scripts     <script> elements; seen.requests: URLs the page asked for beyond itself
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]
TIMEOUT = 60.0

COUNT = """(() => {
  const svgs = [...document.querySelectorAll('figure.chart svg')];
  const seen = svgs.filter(s => { const b = s.getBoundingClientRect();
                                  return b.width > 50 && b.height > 50 &&
                                         s.querySelectorAll('path, rect, text').length > 3; });
  return JSON.stringify({charts: svgs.length, rendered: seen.length,
                         scripts: document.querySelectorAll('script').length,
                         title: document.title});
})()"""


def chromium_missing() -> str | None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return None
    return "Debian's chromium is not installed: apt-get install -y chromium (.ci/run does it)"


@dataclass
class Seen:
    charts: int = 0
    rendered: int = 0
    scripts: int = 0
    title: str = ""
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class _Pipe:
    def __init__(self) -> None:
        self.cmd_read, self.cmd_write = os.pipe()  # we write commands, chromium reads fd 3
        self.out_read, self.out_write = os.pipe()  # chromium writes fd 4, we read
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def child_fds(self) -> None:  # in the child, before exec: our ends as fds 3 and 4
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (self.cmd_read, self.out_write)]
        for fd, target in zip(high, (3, 4), strict=True):
            os.dup2(fd, target, inheritable=True)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.cmd_write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self, deadline: float | None = None) -> dict[str, Any]:
        deadline = deadline or time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.out_read], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.out_read, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def wait_for(self, method: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self.receive(deadline))


def _errors(events: list[dict[str, Any]]) -> list[str]:
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            out.append(str(p.get("exceptionDetails", {}).get("text")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") == "error":
            out.append(str(p.get("args")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(str(p["entry"].get("text")))
        elif m == "Network.loadingFailed":
            out.append(f"failed to load: {p.get('errorText')}")
    return out


def open_page(path: Path, width: int = 1100, screenshot: Path | None = None) -> Seen:
    """Load `path` in headless Chromium; what it rendered (and a full-page PNG if asked)."""
    pipe = _Pipe()
    profile = tempfile.mkdtemp(prefix="nurture-chromium-")
    process = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pipe.child_fds,
        close_fds=False,
    )
    try:
        os.close(pipe.cmd_read)
        os.close(pipe.out_write)
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.send(f"{domain}.enable", session=session)
        pipe.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        url = path.resolve().as_uri()
        pipe.send("Page.navigate", {"url": url}, session)
        pipe.wait_for("Page.loadEventFired")
        found = pipe.send("Runtime.evaluate", {"expression": COUNT, "returnByValue": True}, session)
        seen = Seen(**json.loads(found["result"]["value"]))
        if screenshot is not None:
            size = pipe.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}
            shot = pipe.send(
                "Page.captureScreenshot",
                {"format": "png", "clip": clip, "captureBeyondViewport": True},
                session,
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        seen.errors = _errors(pipe.events)
        seen.requests = [
            e["params"]["request"]["url"]
            for e in pipe.events
            if e.get("method") == "Network.requestWillBeSent"
            and e["params"]["request"]["url"] != url
        ]
        try:
            pipe.send("Browser.close")
        except (RuntimeError, TimeoutError):
            pass
        return seen
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for fd in (pipe.cmd_write, pipe.out_read):
            os.close(fd)
        shutil.rmtree(profile, ignore_errors=True)
