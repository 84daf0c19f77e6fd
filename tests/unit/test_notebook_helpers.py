"""The small helpers the notebooks lean on: traffic recording, stream timing, the translator chain."""

import pytest

from helpers import chat_model, ensure_server
from helpers.chains import TRANSLATOR_SYSTEM, translator
from helpers.mock import MockSettings, start_in_thread
from helpers.timing import time_stream
from helpers.traffic import Traffic
from helpers.troubleshoot import unused_url
from helpers.errors import ServerUnreachableError


@pytest.fixture(scope="module")
def server(mock_url):
    return ensure_server(mock_url)


def test_traffic_records_what_chatopenai_really_sends(server):
    traffic = Traffic()
    chat_model(server, max_tokens=7, http_client=traffic.client()).invoke("hello")
    body = traffic.last_request
    assert body["max_completion_tokens"] == 7 and "max_tokens" not in body
    assert body["model"] == server.model and body["stream"] is False
    assert traffic.last_response["choices"][0]["finish_reason"] in ("stop", "length")
    assert "stop_reason" in traffic.last_response["choices"][0], "the raw body keeps what LangChain drops"
    assert traffic.paths == ["/v1/chat/completions"]


def test_time_stream_measures_a_server_side_delay():
    """The mock waits 80 ms before the first token: TTFT cannot be shorter, and total is never below TTFT."""
    with start_in_thread(MockSettings(latency_first_token=0.08)) as slow:
        chat = chat_model(ensure_server(slow.url), max_tokens=6)
        timing = time_stream(chat, "Say something")
        assert timing.ttft_s >= 0.08
        assert timing.total_s >= timing.ttft_s
        assert timing.chunks >= 1 and timing.text == chat.invoke("Say something").content


def test_translator_fixes_languages_and_sends_the_documents_system_prompt(server):
    traffic = Traffic()
    to_korean = translator(chat_model(server, max_tokens=8, http_client=traffic.client()), "English", "Korean")
    answer = to_korean.invoke({"text": "I love programming."})
    assert isinstance(answer, str) and answer
    system, human = traffic.last_request["messages"]
    assert system == {"role": "system", "content": TRANSLATOR_SYSTEM.format(input_language="English", output_language="Korean")}
    assert human == {"role": "user", "content": "I love programming."}


def test_unused_url_has_nothing_listening():
    with pytest.raises(ServerUnreachableError):
        ensure_server(unused_url())


def test_course_index_has_one_document_per_lesson_source():
    from helpers.course.nbsource import SOURCES
    from helpers.documents import course_index

    docs = course_index()
    lessons = sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py"))
    assert [d.metadata["notebook"] for d in docs] == lessons
    assert [d.metadata["lesson"] for d in docs] == list(range(1, len(lessons) + 1))
    assert all(d.page_content.startswith(d.metadata["notebook"] + ": ") and len(d.page_content) > 40 for d in docs)


def test_glossary_documents_keep_escaped_pipes_and_the_english_half_of_each_note():
    from helpers.documents import glossary

    docs = {d.metadata["term"]: d for d in glossary()}
    assert docs["chain"].page_content == "chain (체인): `prompt | chat | parser`"
    assert docs["KV cache"].page_content == "KV cache (KV 캐시): keys and values of tokens already computed"
    assert docs["embedding"].metadata["ko"] == "임베딩"


def test_embedding_model_sends_text_not_token_ids():
    from helpers import embedding_model
    from helpers.config import ServerConfig

    embeddings = embedding_model(ServerConfig("http://127.0.0.1:9/v1", model="m", timeout=5, max_retries=0))
    assert embeddings.check_embedding_ctx_length is False
    assert (embeddings.model, embeddings.openai_api_base, embeddings.max_retries) == ("m", "http://127.0.0.1:9/v1", 0)
    assert embedding_model(ServerConfig("http://127.0.0.1:9/v1", model="m"), chunk_size=8).chunk_size == 8


def test_max_concurrency_parameter_then_environment_then_the_shared_default(monkeypatch):
    from helpers.throughput import SHARED_MAX_CONCURRENCY, max_concurrency

    monkeypatch.delenv("MAX_CONCURRENCY", raising=False)
    assert max_concurrency() == SHARED_MAX_CONCURRENCY == 16
    monkeypatch.setenv("MAX_CONCURRENCY", "4")
    assert max_concurrency() == 4
    assert max_concurrency(64) == 64  # the notebook's parameter wins
    monkeypatch.setenv("MAX_CONCURRENCY", "lots")
    with pytest.raises(ValueError, match="MAX_CONCURRENCY='lots' is not a whole number"):
        max_concurrency()
    with pytest.raises(ValueError, match="1 or more"):
        max_concurrency(0)
