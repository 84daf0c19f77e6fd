"""A stand-in for a vLLM server in launcher tests: answers GET /health on the given port.

``python fake_vllm_server.py --port N [--exit-at-once] [--spawn-child] [--delay S]``
``--spawn-child`` starts a grandchild (``sleep``) in the same process group and writes its pid
to ``--child-pid-file``, so a test can check that stopping kills the whole group.
"""

import argparse
import http.server
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--exit-at-once", action="store_true")
parser.add_argument("--spawn-child", action="store_true")
parser.add_argument("--child-pid-file")
parser.add_argument("--ignore-sigterm", action="store_true")
parser.add_argument("--delay", type=float, default=0.0)
args = parser.parse_args()

print("fake vLLM: loading model weights", flush=True)
if args.exit_at_once:
    for i in range(60):
        print(f"fake vLLM: log line {i}", flush=True)
    print("ValueError: fake vLLM cannot find the model (exit at once)", flush=True)
    sys.exit(3)
if args.ignore_sigterm:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if args.spawn_child:
    child = subprocess.Popen(["sleep", "600"])
    with open(args.child_pid_file, "w") as handle:
        handle.write(str(child.pid))
time.sleep(args.delay)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


http.server.HTTPServer((args.host, args.port), Handler).serve_forever()
