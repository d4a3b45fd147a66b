"""Files that ship inside the `server` package: the demo checkpoint and the sample stream."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
DEFAULT_CHECKPOINT = ASSETS / "demo_checkpoint.pt"
SAMPLE_STREAM = ASSETS / "sample_sequence.hmstream"  # 6 s of synthetic frames + ground truth
