"""Results drawn over the camera image they came from: the predicted mesh, shaded and blended
in a colour no skin has, the skeleton on top, and a caption (latency, state).

The mesh is rendered with the real rasterizer (model.render) from the result's vertices
(wrist-relative, so placed at the wrist position) and the rig's faces, through the frame's
own intrinsics — exactly the camera the prediction was placed in — so a mesh that sits on
the hand in the picture is a 3D result that projects right.
"""

from __future__ import annotations

import os

import cv2
import numpy as np

from model.render import Renderer
from model.viz import draw_skeleton
from protocol.messages import Hands

MESH_ALBEDO = (0.35, 0.65, 0.95)  # light blue
MESH_OPACITY = 0.55


def display_available() -> bool:
    """Whether a window can be shown: a display, and OpenCV built with a GUI (the headless
    wheel has none)."""
    has_gui = "GUI:                           NONE" not in cv2.getBuildInformation()
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and has_gui


class HandOverlay:
    def __init__(self, width: int, height: int, faces: np.ndarray) -> None:
        self.renderer = Renderer(width, height)
        self.faces = np.asarray(faces)

    def draw(
        self, image_bgr: np.ndarray, hands: Hands | None, K: np.ndarray, caption: str = ""
    ) -> np.ndarray:
        """A copy of the image with every hand of ``hands`` (None: no result) drawn on it."""
        canvas = image_bgr.astype(np.float32)
        for hand in hands.hands if hands is not None else ():
            if hand.vertices is None:
                continue
            vertices = hand.vertices.astype(np.float64) + hand.wrist_position
            # A left hand is a mirrored right hand: its triangles wind the other way. A
            # predicted mesh need not be a well-formed closed surface (an undertrained network
            # can fold it inside out), so both sides are drawn rather than refused.
            faces = self.faces if hand.side == "right" else self.faces[:, ::-1]
            result = self.renderer.render(
                vertices, faces, K, albedo=MESH_ALBEDO, specular=0.2, cull_back_faces=False
            )
            alpha = MESH_OPACITY * result.coverage[..., None]
            canvas = (1.0 - alpha) * canvas + alpha * result.rgb[..., ::-1]
        canvas = np.clip(canvas, 0, 255).astype(np.uint8)
        for hand in hands.hands if hands is not None else ():
            canvas = draw_skeleton(canvas, hand.keypoints_2d)
        if caption:
            font = cv2.FONT_HERSHEY_SIMPLEX
            for color, width in (((0, 0, 0), 4), ((255, 255, 255), 1)):  # outlined: always legible
                cv2.putText(canvas, caption, (10, 24), font, 0.6, color, width, cv2.LINE_AA)
        return canvas
