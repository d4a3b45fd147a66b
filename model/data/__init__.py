"""Data sets: FreiHAND's official layout (read and written), and the synthetic generator."""
