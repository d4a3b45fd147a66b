"""Synthetic sequences: frames decode, ground truth lands on the hand, motion is smooth."""

from __future__ import annotations

import numpy as np

from model.data.sequence import SequenceSettings, motion, read_sequence, render_sequence
from model.render import project_points


def test_sequence_round_trips_and_keypoints_land_in_frame(tmp_path):
    settings = SequenceSettings(seconds=0.5, fps=30, width=160, height=120)
    sequence = read_sequence(render_sequence(tmp_path / "seq.zip", settings, progress=False))
    assert len(sequence.jpeg_frames) == 15 and sequence.fps == 30
    image = sequence.image(0)
    assert image.shape == (120, 160, 3)
    pixels = project_points(sequence.K, sequence.keypoints.reshape(-1, 3))
    assert np.all((pixels >= 0) & (pixels < [160, 120]))
    # The hand is where the keypoints say: it differs from the mostly uniform background.
    wrist = np.round(project_points(sequence.K, sequence.keypoints[0, 9:10])).astype(int)[0]
    assert np.abs(image[wrist[1], wrist[0]].astype(int) - np.median(image, axis=(0, 1))).sum() > 20


def test_motion_is_smooth_and_visits_every_key_pose():
    angles, rotations, positions = motion(SequenceSettings(seconds=6.0, fps=30))
    assert len(angles) == 180
    step = np.abs(np.diff(angles, axis=0)).max()
    assert step < 0.12  # radians per frame: no jumps between key poses
    assert np.linalg.norm(np.diff(positions, axis=0), axis=1).max() < 0.01  # < 1 cm per frame
    # Fist in the middle of the second segment: the fingers are curled.
    assert angles[54, 7, 0] > 1.0
    np.testing.assert_allclose(
        rotations @ np.swapaxes(rotations, 1, 2), np.broadcast_to(np.eye(3), (180, 3, 3)), atol=1e-9
    )
