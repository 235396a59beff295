"""Fuzzed documents: whatever the input, the check reports findings, never a crash.

Bounded for CI (200 examples); ``benchmarks/fuzz_check.py`` runs longer.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzdocs import check_bytes, random_document


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       splice=st.one_of(st.just(b""), st.binary(max_size=16),
                        st.text(max_size=16).map(lambda text: text.encode("utf-8", "replace"))))
def test_random_documents_give_findings_not_crashes(seed: int, splice: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        problem = check_bytes(Path(folder), random_document(random.Random(seed), splice))
    assert problem is None, problem
