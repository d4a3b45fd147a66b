"""Test helpers shared by the server and replay tests: a stand-in predictor and a server
running in a thread on real sockets."""

from __future__ import annotations

import threading

import numpy as np
import zmq

from model.hand import load_builtin_hand
from model.hand.rig import rig_message
from model.inference import HandMeshPredictor, Prediction
from model.net.config import get_config
from model.net.network import build_network
from server.app import HandServer, ServerSettings
from server.paths import SAMPLE_STREAM
from server.pipeline import HandPipeline

MICRO = get_config("micro")
SAMPLE = SAMPLE_STREAM


class FixedHandPredictor:
    """Stands in for a trained network: always "sees" the built-in hand in its rest pose, half a
    metre in front of a camera looking through the crop (consistent 2D and 3D), so the server's
    placement, IK and filtering run on a real hand shape."""

    input_size = 224

    def __init__(self) -> None:
        hand = load_builtin_hand()
        keypoints = hand.rest_keypoints()
        self.joints = keypoints - keypoints[0]
        self.vertices = hand.template - keypoints[0]
        projected = (self.joints + [0.0, 0.0, 0.5]) * 600.0
        self.keypoints_2d = projected[:, :2] / (self.joints[:, 2:] + 0.5) / 600.0 * 600.0 + 111.5

    def predict(self, crops: np.ndarray) -> Prediction:
        count = len(crops)
        return Prediction(
            np.repeat(self.keypoints_2d[None], count, 0),
            np.repeat(self.joints[None], count, 0),
            np.repeat(self.vertices[None], count, 0),
            np.full(count, 0.9),
        )


class RunningServer:
    def __init__(
        self, router: str, pub: str, max_batch: int = 4, predictor=None, recorder=None
    ) -> None:
        hand = load_builtin_hand()
        predictor = predictor or HandMeshPredictor(build_network(MICRO, hand))
        self.pipeline = HandPipeline(predictor, hand)
        self.batch_sizes: list[int] = []
        self.gate = threading.Event()  # cleared: the next batch waits until it is set
        self.gate.set()
        process = self.pipeline.process

        def recording(frames):
            self.batch_sizes.append(len(frames))
            self.gate.wait(10)
            return process(frames)

        self.pipeline.process = recording
        self.server = HandServer(
            ServerSettings(router, pub, max_batch),
            self.pipeline,
            rig_message(hand),
            "micro",
            context=zmq.Context(),
            recorder=recorder,
        )
        self.router, self.pub = self.server.bind()
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()
        assert self.server.ready.wait(5)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(5)
        self.server.context.term()
        assert not self.thread.is_alive()
