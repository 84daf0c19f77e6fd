import pytest

from helpers.config import resolve_config
from helpers.discovery import check_health, describe, list_models, resolve_model
from helpers.errors import KitError, NoModelServedError, ServerUnreachableError, UnknownModelError
from helpers.session import ensure_server


def config(url, model=None, key=None):
    return resolve_config(url, model, key, environ={})


def test_mock_is_healthy_and_describes_itself(mock_url):
    info = describe(config(mock_url))
    assert info.healthy and info.is_mock
    assert info.models and info.version


def test_model_is_discovered_when_not_named(mock_url):
    resolved = resolve_model(config(mock_url))
    assert resolved.model == list_models(config(mock_url))[0]


def test_named_model_that_is_served_is_kept(mock_url):
    served = list_models(config(mock_url))[0]
    assert resolve_model(config(mock_url, served)).model == served


def test_unknown_model_lists_what_is_served(mock_url):
    served = list_models(config(mock_url))
    with pytest.raises(UnknownModelError) as info:
        resolve_model(config(mock_url, "mosaicml/mpt-7b"))
    message = str(info.value)
    assert "mosaicml/mpt-7b" in message and all(name in message for name in served)
    assert info.value.served == served


def test_unreachable_server_names_the_url_and_how_to_start_one(dead_url):
    with pytest.raises(ServerUnreachableError) as info:
        check_health(config(dead_url))
    message = str(info.value)
    assert f"{dead_url}/health" in message
    assert "python -m helpers serve-mock" in message and "vllm serve" in message


def test_ensure_server_fails_fast_on_a_stopped_server(dead_url):
    with pytest.raises(ServerUnreachableError):
        ensure_server(dead_url)


def test_a_server_that_is_not_vllm(stub_server):
    url = stub_server({})  # 404 everywhere
    with pytest.raises(ServerUnreachableError, match="does not look like a vLLM server"):
        check_health(config(url))


def test_engine_dead_503(stub_server):
    url = stub_server({"/health": (503, None)})
    with pytest.raises(ServerUnreachableError, match="503"):
        check_health(config(url))


def test_empty_model_list(stub_server):
    url = stub_server({"/health": (200, None), "/v1/models": (200, {"object": "list", "data": []})})
    with pytest.raises(NoModelServedError, match="lists no models"):
        resolve_model(config(url))


def test_wrong_api_key_says_which_variable_to_set(keyed_mock_url):
    with pytest.raises(KitError, match="VLLM_API_KEY"):
        list_models(config(keyed_mock_url, key="wrong"))
    assert list_models(config(keyed_mock_url, key="right-key"))


@pytest.mark.parametrize("tool_calling", [True, False])
@pytest.mark.parametrize("api_key", [None, "room-key"])
def test_describe_probes_what_a_room_needs_to_know(tool_calling, api_key):
    from helpers.session import start_mock

    mock = start_mock(tool_calling=tool_calling, api_key=api_key)
    try:
        info = describe(config(mock.url, key=api_key), probe=True)
    finally:
        mock.stop()
    assert info.max_model_len == 2048  # the kit's mock, like `serve-vllm`: --max-model-len 2048
    assert info.tool_calling is tool_calling
    assert info.key_required is (api_key is not None)


def test_describe_without_probe_sends_no_probe(mock_url):
    info = describe(config(mock_url))
    assert info.tool_calling is None and info.key_required is None and info.max_model_len == 2048


def test_a_router_with_a_replica_down_is_still_usable(stub_server):
    """vllm-router answers /health with 503 as soon as one replica is down; /readiness says how many still serve."""
    url = stub_server({"/health": (503, None), "/readiness": (200, {"status": "ready", "healthy_workers": 1,
                                                                     "total_workers": 2})})
    assert check_health(config(url)).status_code == 503  # usable: the router routes around the dead replica
    url = stub_server({"/health": (503, None), "/readiness": (503, {"status": "not ready", "healthy_workers": 0,
                                                                     "total_workers": 2})})
    with pytest.raises(ServerUnreachableError, match="none of its 2 replicas is healthy"):
        check_health(config(url))
