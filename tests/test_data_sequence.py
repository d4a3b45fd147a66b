"""Synthetic sequences: frames decode, ground truth lands on the hand, motion is smooth."""

from __future__ import annotations

import numpy as np
import pytest

from model.data.sequence import SequenceSettings, motion, read_sequence, render_sequence
from model.hand import load_builtin_hand
from model.hand.ik import HandIK
from model.render import project_points
from protocol.stream_file import StreamWriter


@pytest.fixture(scope="module")
def short_sequence(tmp_path_factory):
    settings = SequenceSettings(seconds=0.5, fps=30, width=160, height=120)
    path = tmp_path_factory.mktemp("seq") / "seq.hmstream"
    return read_sequence(render_sequence(path, settings, progress=False))


def test_sequence_round_trips_and_keypoints_land_in_frame(short_sequence):
    sequence = short_sequence
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


def test_ground_truth_is_the_result_a_perfect_server_would_publish(short_sequence):
    """Frame i and truth i share seq and time; the truth's 2D keypoints are the projection of
    its joints, its rotations are what IK recovers from its joints, and its wrist-relative
    vertices sit around the wrist."""
    frames, truth = short_sequence.frames, short_sequence.truth
    assert [f.seq for f in frames] == list(range(15))
    assert frames[3].t_capture_ns == round(3e9 / 30) and frames[3].handedness == "right"
    hand = truth[7]
    np.testing.assert_allclose(
        hand.keypoints_2d, project_points(short_sequence.K, hand.joints), atol=1e-3
    )
    solved = HandIK(load_builtin_hand()).solve(hand.joints.astype(np.float64)).quaternions[0]
    same_rotation = np.abs(np.sum(solved[1:] * hand.local_rotations, axis=1))  # q and −q agree
    np.testing.assert_allclose(same_rotation, 1.0, atol=1e-6)
    np.testing.assert_allclose(np.abs(solved[0] @ hand.wrist_rotation), 1.0, atol=1e-6)
    reach = np.linalg.norm(hand.vertices.astype(np.float64), axis=1)
    assert 0.1 < reach.max() < 0.25 and hand.vertices.dtype == np.float16


def test_a_recorded_stream_without_ground_truth_is_refused(tmp_path):
    path = tmp_path / "live.hmstream"
    StreamWriter(path, {"source": "camera 0"}).close()
    with pytest.raises(ValueError, match="without ground truth"):
        read_sequence(path)
