"""helpers.mock must stay free of LangChain, the openai SDK and the kit's other modules (the one exception, openai's
``Tool`` types for a Responses request's ``tools``, as vLLM uses them, is imported only when such a request comes)."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, sys
import helpers.mock
from helpers.mock import MockSettings, create_app, start_in_thread
create_app(MockSettings(api_keys=[]))
with start_in_thread(MockSettings(api_keys=[])) as m:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_and_running_the_mock_loads_no_client_libraries():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    forbidden = [m for m in modules if m.split(".")[0] in ("langchain", "langchain_core", "langchain_openai",
                                                            "openai", "vllm", "torch", "transformers")]
    assert forbidden == []
    kit = [m for m in modules if m == "helpers" or m.startswith("helpers.")]
    assert all(m == "helpers" or m == "helpers.mock" or m.startswith("helpers.mock.") for m in kit), kit
