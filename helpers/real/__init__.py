"""Real vLLM: launch the CPU or GPU build, build SmolLM2-135M-Instruct offline, start a room of replicas behind
vllm-router. Needs the `real` extra for the server itself; imports nothing from the mock."""
