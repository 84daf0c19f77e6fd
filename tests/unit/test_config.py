import pytest

from helpers.config import DEFAULT_API_KEY, ServerConfig, normalize_base_url, resolve_config, server_root
from helpers.errors import ConfigError


@pytest.mark.parametrize(
    "given, expected",
    [
        ("http://localhost:8000/v1", "http://localhost:8000/v1"),
        ("http://localhost:8000/v1/", "http://localhost:8000/v1"),
        ("http://localhost:8000", "http://localhost:8000/v1"),
        ("http://localhost:8000/", "http://localhost:8000/v1"),
        ("localhost:8000", "http://localhost:8000/v1"),
        ("  https://gpu.example:443/llm/  ", "https://gpu.example:443/llm/v1"),
        ("http://127.0.0.1:8000/llm/v1//", "http://127.0.0.1:8000/llm/v1"),
    ],
)
def test_normalize_base_url(given, expected):
    assert normalize_base_url(given) == expected


@pytest.mark.parametrize("bad", ["", "   ", "ftp://host/v1", "http://", "http://host:99999", "http://h:8000/v1?x=1"])
def test_normalize_base_url_rejects_with_a_next_step(bad):
    with pytest.raises(ConfigError) as info:
        normalize_base_url(bad)
    assert "http://localhost:8000/v1" in str(info.value)


def test_server_root_strips_v1():
    assert server_root("http://h:1/llm/v1/") == "http://h:1/llm"


def test_argument_beats_environment_beats_default():
    env = {"VLLM_BASE_URL": "http://env:1", "VLLM_MODEL": "env-model", "VLLM_API_KEY": "env-key"}
    assert resolve_config("http://arg:2", "arg-model", "arg-key", environ=env) == ServerConfig(
        "http://arg:2/v1", "arg-model", "arg-key"
    )
    assert resolve_config(environ=env) == ServerConfig("http://env:1/v1", "env-model", "env-key")
    assert resolve_config(environ={}) == ServerConfig(None, None, DEFAULT_API_KEY)


def test_empty_strings_count_as_unset():
    env = {"VLLM_BASE_URL": "", "VLLM_MODEL": "", "VLLM_API_KEY": ""}
    assert resolve_config("", "", "", environ=env) == ServerConfig(None, None, DEFAULT_API_KEY)


def test_repr_hides_a_real_key():
    shown = repr(ServerConfig("http://h:1/v1", "m", "sk-secret-123"))
    assert "sk-secret" not in shown and "***" in shown
    assert "'EMPTY'" in repr(ServerConfig("http://h:1/v1", "m"))


@pytest.mark.parametrize("kwargs", [{"timeout": 0}, {"timeout": -1}, {"max_retries": -1}])
def test_bad_client_limits(kwargs):
    with pytest.raises(ConfigError):
        resolve_config(environ={}, **kwargs)


def test_root_url_needs_a_base_url():
    with pytest.raises(ConfigError, match="ensure_server"):
        ServerConfig(None).root_url
