"""``make lab`` (``python -m helpers lab``): JupyterLab on the course, as the course wants it.

* The course's lab settings (``.jupyter/lab/user-settings/``: no "official Jupyter news?" pop-up, no news or
  update requests) become JupyterLab's defaults for this environment (``overrides.json`` under
  ``sys.prefix``), so your own changes in the Settings editor still go to your home folder, not the repository.
* As root (a container, a cloud VM) it adds ``--allow-root``, which JupyterLab otherwise demands.
* It prints where to go before JupyterLab's own log starts; JupyterLab then prints the URL with its token.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTINGS = REPO / ".jupyter" / "lab" / "user-settings"


def course_settings(root: Path = SETTINGS) -> dict:
    """``{"@scope/extension:plugin": {...}}`` for every ``.jupyterlab-settings`` file under ``root``."""
    overrides = {}
    for path in sorted(root.rglob("*.jupyterlab-settings")):
        relative = path.relative_to(root)
        plugin = "/".join(relative.parts[:-1]) + ":" + relative.name[: -len(".jupyterlab-settings")]
        text = re.sub(r"^\s*//.*$", "", path.read_text(encoding="utf-8"), flags=re.M)  # JSON5's line comments
        overrides[plugin] = json.loads(text)
    return overrides


def install_overrides(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Write the course settings as JupyterLab's ``overrides.json`` for the environment at ``prefix``."""
    target = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    existing.update(course_settings())
    target.write_text(json.dumps(existing, indent=2) + "\n", encoding="utf-8")
    return target


def lab_command(extra: list[str], uid: int | None = None) -> list[str]:
    """The argv that starts JupyterLab on ``notebooks/``."""
    uid = os.getuid() if uid is None and hasattr(os, "getuid") else uid
    argv = [sys.executable, "-m", "jupyterlab", str(REPO / "notebooks")]
    if uid == 0 and "--allow-root" not in extra:
        argv.append("--allow-root")
    return argv + list(extra)


def main_lab(argv: list[str] | None = None) -> int:
    """``python -m helpers lab [JupyterLab options]``: replaces this process with JupyterLab."""
    extra = list(sys.argv[1:] if argv is None else argv)
    install_overrides()
    command = lab_command(extra)
    print("Starting JupyterLab on the course (notebooks/). Open the http://127.0.0.1:…/lab?token=… URL it prints "
          "below; start with ko/01_vllm_chat.ipynb or en/01_vllm_chat.ipynb. Ctrl-C twice stops it.", flush=True)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return
