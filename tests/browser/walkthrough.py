"""The lesson walkthrough in a real browser: JupyterLab + Chromium, every lesson notebook, both languages.

``make test-browser`` runs this file (it is not a pytest module, so ``make test`` never collects it):

    .venv/bin/python tests/browser/walkthrough.py [ko/01_vllm_chat en/07_troubleshooting ...]

It starts JupyterLab from the kit's virtual environment on loopback with a random token (root dir
``notebooks/``; settings, workspaces, runtime files and HOME in a temporary directory; the course's lab settings
from ``.jupyter/lab/user-settings`` copied there; ``VLLM_BASE_URL`` unset, so every notebook starts the
embedded mock itself). Then, for every ``notebooks/{ko,en}/NN_*.ipynb``, in a fresh browser context, it opens
the notebook, waits for the kernel, clicks Run > Run All Cells, waits until the kernel is idle and every code
cell has run, and checks:

* opening does not mark the notebook modified (no ``jp-mod-dirty`` on its tab);
* no notification pop-up (toast) is shown;
* Korean notebooks: the text of a Korean markdown paragraph is drawn with a font that has Hangul glyphs;
* every code cell ran, in document order (execution counts 1..N), within ``RUN_LIMIT_S`` seconds;
* error outputs only in cells tagged ``raises-exception``, each at most ``MAX_ERROR_LINES`` lines;
* no cell's output is empty where the stored notebook's is not;
* no page error and no console error (except ``IGNORED_CONSOLE``);
* the notebook file on disk is not changed (autosave is off in the test's settings; nothing is saved).

It writes one screenshot per notebook to ``build/browser/`` (and JupyterLab's log), prints a table and
exits 1 listing every failed check. It stops JupyterLab, its kernels and the browser at the end, also on a
failure, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from browser_common import CHROMIUM_ARGS, find_chromium, korean_font

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "browser"
VENV_BIN = Path(sys.executable).parent
LAB_SETTINGS = ROOT / ".jupyter" / "lab" / "user-settings"  # the course's lab settings (also for `make lab`)

RUN_LIMIT_S = 180  # per notebook, from "Run All Cells" to the last cell done (the mock answers in ms)
OPEN_LIMIT_S = 90  # per notebook, from navigation to an idle kernel
LAB_START_LIMIT_S = 90
MAX_ERROR_LINES = 15  # an expected error in a lesson is a short message, not a page of traceback
SETTLE_S = 1.5  # after the kernel is ready: JupyterLab updates the notebook's metadata from kernel_info
EXPECTED_ERROR_TAG = "raises-exception"
# Console messages of type "error" that say nothing about the course, each with why it is harmless.
# Keep this list minimal: every entry hides a class of real errors. Empty today: with the course's lab settings
# (no news feed, no update check) JupyterLab requests nothing outside loopback, and nothing else logs an error.
# An entry looks like (re.compile(r"..."), "why it is harmless").
IGNORED_CONSOLE: list[tuple[re.Pattern, str]] = []

# Lab settings only the test uses, on top of the course's: never autosave, so an executed notebook is never
# written back into notebooks/ (the test only reads them).
TEST_ONLY_SETTINGS = {"@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False}}


class Failed(Exception):
    """One notebook cannot be checked further (it did not open, did not finish ...)."""


@dataclass
class Result:
    name: str
    code_cells: int = 0
    ran: int = 0
    seconds: float | None = None
    errors: int = 0  # error outputs seen
    font: str = ""
    failures: list[str] = field(default_factory=list)
    screenshot: str = ""


# ---- JupyterLab -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab on loopback for this run; ``stop()`` ends it, its kernels and anything they started."""

    def __init__(self, tmp: Path, log_path: Path):
        self.tmp = tmp
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.seen: dict[int, object] = {}  # pid -> psutil.Process: every descendant ever seen

    def env(self) -> dict[str, str]:
        settings = self.tmp / "lab-settings"
        if LAB_SETTINGS.is_dir():
            shutil.copytree(LAB_SETTINGS, settings)
        for rel, values in TEST_ONLY_SETTINGS.items():
            path = settings / rel
            current = {}
            if path.exists():
                import json5  # a jupyterlab_server dependency; settings files are JSON5 (comments)

                current = json5.loads(path.read_text())
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({**current, **values}, indent=2))
        env = {k: v for k, v in os.environ.items() if not k.startswith("VLLM_")}  # the notebooks start the mock
        home = self.tmp / "home"
        home.mkdir()
        env.update(
            HOME=str(home),  # nothing lands in the user's home: ~/.jupyter, ~/.ipython, ~/.cache, ...
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "lab-workspaces"),
            JUPYTER_CONFIG_DIR=str(self.tmp / "jupyter-config"),
            JUPYTER_DATA_DIR=str(self.tmp / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "jupyter-runtime"),
            IPYTHONDIR=str(self.tmp / "ipython"),
            MPLCONFIGDIR=str(self.tmp / "matplotlib"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def start(self) -> None:
        argv = [
            str(VENV_BIN / "jupyter"), "lab", "--no-browser",
            f"--IdentityProvider.token={self.token}",  # ServerApp.token, by its jupyter_server 2 name
            "--ServerApp.ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={NOTEBOOKS}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: read kernel status and cell models
        ]
        if os.getuid() == 0:
            argv.append("--allow-root")
        log = open(self.log_path, "w")
        # Own session: Ctrl-C in the terminal reaches this script only, which then stops JupyterLab in order.
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + LAB_START_LIMIT_S
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"JupyterLab exited with status {self.proc.returncode} at start-up; "
                                 f"its log: {self.log_path}\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"JupyterLab did not answer within {LAB_START_LIMIT_S} s; log: {self.log_path}\n"
                                 f"{self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def remember_processes(self) -> None:
        """Note every descendant (kernels, what kernels start): one orphaned later is still stopped at the end."""
        import psutil  # an ipykernel dependency

        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            for child in psutil.Process(self.proc.pid).children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.Error:
            pass

    def shutdown_kernels(self) -> None:
        self.remember_processes()
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        except (OSError, urllib.error.URLError, ValueError):
            pass

    def stop(self) -> list[str]:
        """Stop JupyterLab (kernels first); returns descriptions of processes that had to be killed."""
        import psutil

        if self.proc is None:
            return []
        self.shutdown_kernels()
        if self.proc.poll() is None:
            try:
                self.api("POST", "/api/shutdown")  # a clean stop: kernels, then the server
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left in JupyterLab's own session
        except (ProcessLookupError, PermissionError):
            pass
        killed = []
        for p in self.seen.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:  # same pid *and* start time
                    killed.append(f"{p.pid} {' '.join(p.cmdline())[:100]}")
                    p.kill()
            except psutil.Error:
                pass
        return killed


# ---- the browser ---------------------------------------------------------------------------------------

JS_STATE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = [];
  const m = w.content.model;
  if (m) for (let i = 0; i < m.cells.length; i++) {
    const c = m.cells.get(i);
    if (c.type !== 'code') continue;
    cells.push({index: i, count: c.executionCount, state: c.executionState,
                outputs: Array.from({length: c.outputs.length}, (_, j) => c.outputs.get(j).type)});
  }
  const tab = document.querySelector('.lm-TabBar-tab.jp-mod-current');
  return {
    ready: w.context.isReady, path: w.context.path,
    kernel: kernel ? kernel.status : null, connection: kernel ? kernel.connectionStatus : null,
    dirty: m ? m.dirty : null, tabDirty: tab ? tab.classList.contains('jp-mod-dirty') : null,
    running: [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')].filter(p => p.textContent.includes('*')).length,
    cells,
    dialog: document.querySelector('.jp-Dialog') ? document.querySelector('.jp-Dialog').innerText : null,
  };
}"""

# For every code cell: its rendered outputs, read from the cell widget's output area (one child per output).
JS_OUTPUTS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const res = [];
  w.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    const area = cell.outputArea;
    res.push({index: i, inDom: cell.node.isConnected, outputs: area.widgets.map((child, j) => {
      const out = child.node.querySelector('.jp-OutputArea-output');
      return {
        type: j < cell.model.outputs.length ? cell.model.outputs.get(j).type : null,
        mime: out ? out.dataset.mimeType || null : null,
        text: child.node.textContent.replace(/^\\s*\\[\\d*\\]:/, ''),  // minus the Out[n] prompt
        media: child.node.querySelectorAll('img, svg:not([data-icon]), canvas, iframe, video, table').length,
        ename: j < cell.model.outputs.length && cell.model.outputs.get(j).type === 'error'
          ? cell.model.outputs.get(j).toJSON().ename + ': ' + cell.model.outputs.get(j).toJSON().evalue : null,
      };
    })});
  });
  return res;
}"""

JS_TOASTS = """() => [...document.querySelectorAll('.Toastify__toast')].map(t => t.innerText.replace(/\\s+/g, ' ').trim())"""

def metadata_diff(stored, live, path="metadata", out=None, limit=6):
    """Paths where the notebook's metadata as JupyterLab holds it differs from the file's (why it is dirty)."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if isinstance(stored, dict) and isinstance(live, dict):
        for key in sorted(set(stored) | set(live)):
            if key not in live:
                out.append(f"{path}.{key}: stored {json.dumps(stored[key])[:80]}, JupyterLab drops it")
            elif key not in stored:
                out.append(f"{path}.{key}: not stored, JupyterLab adds {json.dumps(live[key])[:80]}")
            else:
                metadata_diff(stored[key], live[key], f"{path}.{key}", out, limit)
    elif stored != live:
        out.append(f"{path}: stored {json.dumps(stored)[:60]}, JupyterLab writes {json.dumps(live)[:60]}")
    return out[:limit]


def has_content(output: dict) -> bool:
    return bool(output["text"].strip()) or output["media"] > 0


def stored_has_content(output) -> bool:
    kind = output.get("output_type")
    if kind == "stream":
        return bool(output.get("text", "").strip())
    if kind == "error":
        return True
    data = output.get("data", {})
    return any(k != "text/plain" for k in data) or bool(str(data.get("text/plain", "")).strip())


def wait_for(page, predicate, limit_s: float, what: str, poll_s: float = 0.5):
    deadline = time.monotonic() + limit_s
    while True:
        state = page.evaluate(JS_STATE)
        if state is not None and predicate(state):
            return state
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {limit_s:.0f} s (state: {summarize(state)})")
        page.wait_for_timeout(poll_s * 1000)


def summarize(state) -> str:
    if state is None:
        return "no notebook panel"
    done = sum(1 for c in state["cells"] if c["count"] is not None)
    return (f"kernel {state['kernel']}/{state['connection']}, {done} of {len(state['cells'])} code cells have "
            f"an execution count, {state['running']} pending" + (f", dialog: {state['dialog']!r}" if state["dialog"] else ""))


def check_notebook(browser, lab: Lab, path: Path) -> Result:
    import nbformat

    rel = path.relative_to(NOTEBOOKS).as_posix()
    name = rel[:-len(".ipynb")]
    result = Result(name)
    mtime = path.stat().st_mtime_ns
    stored = nbformat.read(path, as_version=4)
    stored_code = [c for c in stored.cells if c.cell_type == "code"]
    result.code_cells = len(stored_code)
    console: list[str] = []

    context = browser.new_context(viewport={"width": 1280, "height": 1400}, locale="en-US")
    page = context.new_page()
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    page.on("console", lambda m: console.append(f"console error: {m.text}") if m.type == "error" else None)
    try:
        page.goto(f"{lab.url}/lab/tree/{rel}?reset&token={lab.token}", timeout=OPEN_LIMIT_S * 1000)
        state = wait_for(page, lambda s: s["ready"] and s["path"].endswith(rel) and s["kernel"] == "idle"
                         and s["connection"] == "connected", OPEN_LIMIT_S, "open the notebook with an idle kernel")
        page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.info; }")
        page.wait_for_timeout(SETTLE_S * 1000)
        state = page.evaluate(JS_STATE)
        if state["dialog"]:
            raise Failed(f"a dialog is open after opening: {state['dialog']!r}")

        # 1. Opening must not modify the notebook.
        if state["tabDirty"] or state["dirty"]:
            live_meta = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON().metadata")
            diff = metadata_diff(json.loads(json.dumps(stored.metadata)), live_meta)
            shown = "its tab has jp-mod-dirty" if state["tabDirty"] else "its model is dirty, the tab shows no mark"
            result.failures.append(
                f"opening marks the notebook modified ({shown}) before anything ran"
                + (": " + "; ".join(diff) if diff else " (its metadata is as stored)"))

        # 2. The Korean text's font.
        if name.startswith("ko/"):
            result.font, failure = korean_font(page, ".jp-MarkdownCell .jp-RenderedMarkdown p")
            if failure:
                result.failures.append(failure)

        toasts = page.evaluate(JS_TOASTS)

        # 3. Run > Run All Cells, the way a reader does it.
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        started = time.monotonic()
        stable = 0

        def finished(s):
            nonlocal stable
            counts = [c["count"] for c in s["cells"]]
            done = s["kernel"] == "idle" and s["running"] == 0 and any(c is not None for c in counts)
            stable = stable + 1 if done else 0
            return (done and all(c is not None for c in counts)) or stable >= 4  # stopped early: 2 s at rest
        try:
            state = wait_for(page, finished, RUN_LIMIT_S, "Run All Cells to finish")
            result.seconds = time.monotonic() - started
        except Failed as exc:
            result.seconds = time.monotonic() - started
            result.failures.append(f"not finished within the limit of {RUN_LIMIT_S} s: {exc}")
            state = page.evaluate(JS_STATE)
        lab.remember_processes()
        toasts += [t for t in page.evaluate(JS_TOASTS) if t not in toasts]

        # 4. Every code cell ran, in order.
        counts = [c["count"] for c in state["cells"]]
        result.ran = sum(1 for c in counts if c is not None)
        if len(counts) != len(stored_code):
            result.failures.append(f"JupyterLab shows {len(counts)} code cells, the file has {len(stored_code)}")
        not_run = [i + 1 for i, c in enumerate(counts) if c is None]
        if not_run:
            result.failures.append(f"{len(not_run)} of {len(counts)} code cells did not run: code cells "
                                   f"{', '.join(map(str, not_run[:10]))}{' ...' if len(not_run) > 10 else ''}")
        elif counts != list(range(1, len(counts) + 1)):
            result.failures.append(f"execution counts are not 1..{len(counts)} in document order: {counts}")

        # 5. Outputs: errors only where expected and short; nothing empty that the stored notebook shows.
        rendered = page.evaluate(JS_OUTPUTS)
        for k, (cell, live) in enumerate(zip(stored_code, rendered), start=1):
            label = f"code cell {k} (cell {live['index'] + 1})"
            expected_error = EXPECTED_ERROR_TAG in cell.metadata.get("tags", [])
            for out in live["outputs"]:
                if out["type"] != "error":
                    continue
                result.errors += 1
                lines = out["text"].rstrip("\n").split("\n")
                if not expected_error:
                    result.failures.append(f"{label}: error output but no {EXPECTED_ERROR_TAG!r} tag: {out['ename']}")
                if len(lines) > MAX_ERROR_LINES:
                    result.failures.append(f"{label}: error output is {len(lines)} lines long (limit "
                                           f"{MAX_ERROR_LINES}): {out['ename'][:100]}")
            stored_full = [o for o in cell.outputs if stored_has_content(o)]
            if stored_full and not any(has_content(o) for o in live["outputs"]):
                kinds = ", ".join(o.output_type for o in stored_full)
                result.failures.append(f"{label}: output is empty in the browser; the stored notebook shows {kinds}"
                                       + ("" if live["inDom"] else " (cell not in the DOM)"))

        # 6. No pop-ups, no console errors.
        for text in toasts:
            result.failures.append(f"a notification pop-up is shown: {text[:160]!r}")
        for message in console:
            why = next((reason for pattern, reason in IGNORED_CONSOLE if pattern.search(message)), None)
            if why is None:
                result.failures.append(message[:300])

        # 7. Screenshot: the top of the executed notebook.
        page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = 0;"
                      " return nb.scrollToItem(0, 'start'); }")
        page.wait_for_timeout(500)
        shot = OUT / (name.replace("/", "_") + ".png")
        page.screenshot(path=str(shot))
        result.screenshot = str(shot.relative_to(ROOT))
    except Exception as exc:  # Failed, or a browser step that did not work (a Playwright timeout, ...)
        if _interrupted:
            raise
        result.failures.append(str(exc) if isinstance(exc, Failed) else f"browser step failed: {exc}"[:600])
        for message in console:
            result.failures.append(message[:300])
    finally:
        lab.shutdown_kernels()
        try:
            context.close()
        except Exception:  # the browser may be gone already (Ctrl-C)
            pass
    if path.stat().st_mtime_ns != mtime:
        result.failures.append("the notebook file changed on disk during the test (saved by JupyterLab, "
                               "or edited meanwhile)")
    return result


def print_table(results: list[Result]) -> None:
    head = ("notebook", "cells", "seconds", "errors", "font", "result")
    rows = [(r.name, f"{r.ran}/{r.code_cells}", "-" if r.seconds is None else f"{r.seconds:.1f}", str(r.errors),
             r.font or "-", "ok" if not r.failures else f"FAIL ({len(r.failures)})") for r in results]
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print()
    print(line.format(*head))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
    print("\ncells: code cells that ran / code cells; seconds: Run All Cells to the last cell done "
          f"(limit {RUN_LIMIT_S} s); errors: error outputs (allowed only in cells tagged {EXPECTED_ERROR_TAG!r}); "
          "font: what Chromium drew Korean with")


def select(names: list[str]) -> list[Path]:
    every = sorted(NOTEBOOKS.glob("ko/[0-9][0-9]_*.ipynb")) + sorted(NOTEBOOKS.glob("en/[0-9][0-9]_*.ipynb"))
    if not names:
        return every
    chosen = [p for p in every if any(p.relative_to(NOTEBOOKS).as_posix().startswith(n) for n in names)]
    if not chosen:
        raise SystemExit(f"no lesson notebook matches {names}; they are: "
                         + ", ".join(p.relative_to(NOTEBOOKS).as_posix() for p in every))
    return chosen


_interrupted = []  # the signal, once Ctrl-C or SIGTERM arrived


def _interrupt(signum, frame):
    _interrupted.append(signum)
    logging.getLogger("asyncio").disabled = True  # no "Future exception was never retrieved" from the driver
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="prefixes such as ko/01 or en/ (default: every lesson, ko and en)")
    args = parser.parse_args(argv)
    notebooks = select(args.notebooks)
    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("Playwright is not installed: .venv/bin/pip install -e '.[browser]' (make test-browser does)")

    # Ctrl-C and SIGTERM (CI cancelling) unwind through every finally below. Ctrl-C also reaches Playwright's
    # driver (same process group), which then closes the browser: its errors after an interrupt are expected.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    tmp = Path(tempfile.mkdtemp(prefix="kit-browser-"))
    lab = Lab(tmp, OUT / "jupyterlab.log")
    results: list[Result] = []
    killed: list[str] = []
    total = time.monotonic()
    try:
        lab.start()
        print(f"JupyterLab at {lab.url} (log: {lab.log_path.relative_to(ROOT)}); Chromium: {chromium}", flush=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                         env={**os.environ, "HOME": str(tmp / "home")})
            try:
                for path in notebooks:
                    result = check_notebook(browser, lab, path)
                    results.append(result)
                    status = "ok" if not result.failures else f"{len(result.failures)} failed check(s)"
                    secs = "-" if result.seconds is None else f"{result.seconds:.1f} s"
                    print(f"  {result.name:<42} {result.ran}/{result.code_cells} cells  {secs:>8}  {status}",
                          flush=True)
            finally:
                try:
                    browser.close()
                except Exception:
                    pass
    except Exception:
        if not _interrupted:
            raise  # a bug in this script: the traceback, after the clean-up below
    except KeyboardInterrupt:
        pass
    finally:
        if _interrupted:
            print("\ninterrupted: stopping JupyterLab and its kernels", file=sys.stderr)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # finish cleaning up
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        killed = lab.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if killed:
        print("processes that outlived JupyterLab's shutdown were killed:\n  " + "\n  ".join(killed))
    if _interrupted:
        return 128 + _interrupted[0]
    print_table(results)
    print(f"\nscreenshots: {OUT.relative_to(ROOT)}/; total {time.monotonic() - total:.0f} s")
    failed = [r for r in results if r.failures]
    if failed:
        print(f"\nFAILED: {sum(len(r.failures) for r in failed)} check(s) in {len(failed)} of {len(results)} notebooks")
        for r in failed:
            print(f"\n{r.name}:")
            for f in r.failures:
                print(f"  - {f}")
        return 1
    print(f"\nall {len(results)} notebooks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
