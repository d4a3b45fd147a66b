"""The kinematic hand: skeleton, built-in license-free hand, MANO loader, FK/skinning, IK."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from model.hand.model import HandModel

BUILTIN_ASSET = Path(__file__).parent / "assets" / "builtin_hand.npz"


@cache
def load_builtin_hand() -> HandModel:
    """The shipped built-in hand (regenerate with ``handmesh hand build``)."""
    if not BUILTIN_ASSET.exists():
        raise FileNotFoundError(
            f"{BUILTIN_ASSET} is missing: run 'handmesh hand build' to generate it"
        )
    return HandModel.load(BUILTIN_ASSET)


def load_hand(source: str | Path | None = None) -> HandModel:
    """The built-in hand (``None`` or ``"builtin"``), a saved ``.npz`` hand, or a MANO ``.pkl``."""
    if source is None or str(source) == "builtin":
        return load_builtin_hand()
    path = Path(source)
    if path.suffix == ".pkl":
        from model.hand.mano import load_mano

        return load_mano(path)
    return HandModel.load(path)
