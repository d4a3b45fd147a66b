"""The built-in, license-free hand: generated here, deterministically, from `anatomy`.

How it is made:
1. A coarse control cage: the palm is a 4×8×2 lattice box whose distal face has one
   column per finger (and a web column between fingers); each finger and the thumb is a
   tube extruded from its patch of the palm through rings placed at its joints and
   mid-segments, closed by an apex vertex on the bone axis.
2. One Catmull–Clark step smooths the cage into a closed, consistently oriented surface
   (~730 vertices, ~1460 triangles: MANO's resolution). Cage vertices keep their indices,
   so each apex becomes the fingertip vertex — on the bone axis by symmetry.
3. Skinning weights fall off with the distance to each bone segment (Gaussian in the
   excess over the nearest bone), keep the four strongest and sum to 1. Bones of other
   fingers sit a finger-width away and get nothing; neighbours along a finger blend
   smoothly across the joint.
4. Shape blend shapes are central differences of the construction w.r.t. each named shape
   parameter, and the joint regressor reproduces the skeleton for the template and for
   every shape direction (so shaped joints follow the shaped mesh exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.hand.anatomy import SHAPE_NAMES, Anatomy
from model.hand.mesh import catmull_clark, triangulate_quads
from model.hand.model import HandModel
from model.hand.rotations import axis_angle_matrix, normalize
from model.hand.skeleton import (
    ARTICULATED_KEYPOINTS,
    BONE_CHILD_KEYPOINTS,
    NUM_JOINTS,
    NUM_KEYPOINTS,
    TIP_KEYPOINTS,
)

NAME = "handmesh-builtin-right-v1"
DORSAL = np.array([0.0, 0.0, 1.0])
# Cage rings along each finger: positions as fractions of the three bone lengths from the
# knuckle, and half-widths as fractions of the finger radius (knuckles slightly thicker).
FINGER_STATIONS = ((0, 0.45), (1, 0.0), (1, 0.5), (2, 0.0), (2, 0.55))
FINGER_RING_SCALE = (1.02, 1.0, 0.90, 0.88, 0.82)
THUMB_RING_SCALE = (1.45, 1.05, 0.98, 0.95, 0.88)
CAGE_INFLATION = 1.3  # Catmull–Clark pulls a cage inward; rings are drawn this much wider.
TIP_OVERSHOOT = 1.35  # ...and pulls the apex back; it is placed this far beyond the last ring.
FLATNESS = 0.85  # finger thickness over width
SKIN_FALLOFF_M = 0.0045


@dataclass(frozen=True)
class RestSkeleton:
    """The rest pose: joint centres (16, 3), nominal keypoints (21, 3) with the cage's
    apex positions as tips, and the pad normal of each joint's bone (16, 3)."""

    keypoints: np.ndarray
    pad_normals: np.ndarray

    @property
    def joints(self) -> np.ndarray:
        return self.keypoints[list(ARTICULATED_KEYPOINTS)]

    def bone_directions(self) -> np.ndarray:
        """Unit direction (16, 3) of each bone (the wrist's: toward the middle knuckle)."""
        return normalize(self.keypoints[list(BONE_CHILD_KEYPOINTS)] - self.joints)

    def flexion_axes(self) -> np.ndarray:
        """Positive rotation about ``d × pad`` turns the bone toward its pad: flexion."""
        return normalize(np.cross(self.bone_directions(), self.pad_normals))


def rest_skeleton(anatomy: Anatomy) -> RestSkeleton:
    keypoints = np.zeros((NUM_KEYPOINTS, 3))
    pad_normals = np.zeros((NUM_JOINTS, 3))
    pad_normals[0] = -DORSAL
    thumb = anatomy.thumb
    thumb_dir = np.array(
        [
            np.cos(thumb.tilt) * np.cos(thumb.spread),
            np.cos(thumb.tilt) * np.sin(thumb.spread),
            -np.sin(thumb.tilt),
        ]
    )
    volar = normalize(-DORSAL - np.dot(-DORSAL, thumb_dir) * thumb_dir)
    thumb_pad = axis_angle_matrix(thumb_dir, np.array(-thumb.roll)) @ volar
    chains = [(np.array(thumb.cmc), thumb_dir, thumb.lengths, thumb_pad)]
    for finger in anatomy.fingers:
        direction = np.array([np.cos(finger.fan), np.sin(finger.fan), 0.0])
        chains.append((np.array([*finger.knuckle, 0.0]), direction, finger.lengths, -DORSAL))
    for index, (base, direction, lengths, pad) in enumerate(chains):
        offsets = np.concatenate([[0.0], np.cumsum(lengths)])
        keypoints[1 + 4 * index : 5 + 4 * index] = base + offsets[:, None] * direction
        pad_normals[1 + 3 * index : 4 + 3 * index] = pad
    return RestSkeleton(keypoints, pad_normals)


class _Cage:
    """A polygon mesh under construction: vertices and faces with outward winding."""

    def __init__(self) -> None:
        self.vertices: list[np.ndarray] = []
        self.polygons: list[list[int]] = []

    def add_vertices(self, points: np.ndarray) -> list[int]:
        start = len(self.vertices)
        self.vertices.extend(np.atleast_2d(points))
        return list(range(start, start + len(np.atleast_2d(points))))

    def cut_patch(self, patch: list[int]) -> list[int]:
        """Removes the faces ``patch`` and returns their boundary loop in their winding."""
        faces = [self.polygons[i] for i in patch]
        directed = {(f[i], f[(i + 1) % len(f)]) for f in faces for i in range(len(f))}
        boundary = {a: b for a, b in directed if (b, a) not in directed}
        for i in sorted(patch, reverse=True):
            del self.polygons[i]
        loop = [min(boundary)]
        while len(loop) < len(boundary):
            loop.append(boundary[loop[-1]])
        return loop

    def extrude(
        self, loop: list[int], normal: np.ndarray, rings: list[tuple], apex: np.ndarray
    ) -> int:
        """Builds a tube from ``loop`` through ``rings`` and caps it with ``apex``.

        Each ring is (centre, axis, half_width, half_thickness). Ring vertices take the
        angular position of their loop vertex around the loop's centre in the patch plane,
        with the dorsal direction matched on both, so the tube does not twist.
        """
        loop_points = np.array([self.vertices[i] for i in loop])
        centre = loop_points.mean(axis=0)
        patch_v = normalize(DORSAL - np.dot(DORSAL, normal) * normal)
        patch_u = np.cross(patch_v, normal)
        local = np.stack([(loop_points - centre) @ patch_u, (loop_points - centre) @ patch_v], 1)
        local /= np.abs(local).max(axis=0)
        angles = np.arctan2(local[:, 1], local[:, 0])
        previous = loop
        for ring_centre, axis, half_width, half_thickness in rings:
            ring_v = (
                normalize(DORSAL - np.dot(DORSAL, axis) * axis) if abs(axis[2]) < 0.9 else patch_v
            )
            ring_u = np.cross(ring_v, axis)
            points = (
                ring_centre
                + half_width * np.cos(angles)[:, None] * ring_u
                + half_thickness * np.sin(angles)[:, None] * ring_v
            )
            current = self.add_vertices(points)
            self._band(previous, current)
            previous = current
        (apex_index,) = self.add_vertices(apex)
        n = len(previous)
        self.polygons.extend([previous[m], previous[(m + 1) % n], apex_index] for m in range(n))
        return apex_index

    def _band(self, inner: list[int], outer: list[int]) -> None:
        n = len(inner)
        self.polygons.extend(
            [inner[m], inner[(m + 1) % n], outer[(m + 1) % n], outer[m]] for m in range(n)
        )


def _palm_lattice(cage: _Cage, anatomy: Anatomy) -> dict[str, list[int]]:
    """Adds the palm box; returns the face indices of the patches fingers grow from."""
    half_widths = [f.radius for f in anatomy.fingers]
    knuckle_y = np.array(
        [
            [f.knuckle[1] + w, f.knuckle[1] - w]
            for f, w in zip(anatomy.fingers, half_widths, strict=True)
        ]
    ).ravel()
    knuckle_x = np.repeat([f.knuckle[0] for f in anatomy.fingers], 2)
    centre_y = knuckle_y.mean()
    stations = np.linspace(0.0, 1.0, 4)
    ids = np.zeros((4, 8, 2), dtype=int)
    for i, t in enumerate(stations):
        narrowing = anatomy.wrist_narrowing + (1.0 - anatomy.wrist_narrowing) * t
        for j in range(8):
            x = anatomy.wrist_end_x + (knuckle_x[j] - anatomy.wrist_end_x) * t
            y = centre_y + (knuckle_y[j] - centre_y) * narrowing
            for k, side in enumerate((-1.0, 1.0)):
                (ids[i, j, k],) = cage.add_vertices(
                    np.array([x, y, side * anatomy.palm_half_thickness])
                )
    patches: dict[str, list[int]] = {
        name: [] for name in ("thumb", "index", "middle", "ring", "little")
    }

    def quad(corners: list[int], patch: str | None = None) -> None:
        if patch is not None:
            patches[patch].append(len(cage.polygons))
        cage.polygons.append(corners)

    for i in range(3):
        for j in range(7):
            quad([ids[i, j, 0], ids[i + 1, j, 0], ids[i + 1, j + 1, 0], ids[i, j + 1, 0]])
            quad([ids[i, j, 1], ids[i, j + 1, 1], ids[i + 1, j + 1, 1], ids[i + 1, j, 1]])
        quad(
            [ids[i, 0, 0], ids[i, 0, 1], ids[i + 1, 0, 1], ids[i + 1, 0, 0]],
            "thumb" if i < 2 else None,
        )
        quad([ids[i, 7, 0], ids[i + 1, 7, 0], ids[i + 1, 7, 1], ids[i, 7, 1]])
    fingers = ("index", None, "middle", None, "ring", None, "little")
    for j in range(7):
        quad([ids[3, j, 0], ids[3, j, 1], ids[3, j + 1, 1], ids[3, j + 1, 0]], fingers[j])
        quad([ids[0, j, 0], ids[0, j + 1, 0], ids[0, j + 1, 1], ids[0, j, 1]])
    return patches


def build_cage(anatomy: Anatomy) -> tuple[np.ndarray, list[list[int]], list[int], RestSkeleton]:
    """The control cage: vertices (N, 3), polygons, the five apex vertex ids, the skeleton."""
    skeleton = rest_skeleton(anatomy)
    cage = _Cage()
    patches = _palm_lattice(cage, anatomy)
    # Cut every patch before extruding: cutting deletes faces and shifts later indices.
    loops = {name: cage.cut_patch(patches[name]) for name in reversed(list(patches))}
    apexes = []
    radii = [anatomy.thumb.radius] + [f.radius for f in anatomy.fingers]
    for finger_index, name in enumerate(("thumb", "index", "middle", "ring", "little")):
        keypoints = skeleton.keypoints[1 + 4 * finger_index : 5 + 4 * finger_index]
        axis = normalize(keypoints[3] - keypoints[0])
        scales = THUMB_RING_SCALE if name == "thumb" else FINGER_RING_SCALE
        rings = []
        for (bone, fraction), scale in zip(FINGER_STATIONS, scales, strict=True):
            centre = keypoints[bone] + fraction * (keypoints[bone + 1] - keypoints[bone])
            width = radii[finger_index] * scale * CAGE_INFLATION
            rings.append((centre, axis, width, width * FLATNESS))
        last_ring = rings[-1][0]
        apex = last_ring + TIP_OVERSHOOT * (keypoints[3] - last_ring)
        palm_normal = np.array([0.0, 1.0, 0.0]) if name == "thumb" else np.array([1.0, 0.0, 0.0])
        apexes.append(cage.extrude(loops[name], palm_normal, rings, apex))
    return np.array(cage.vertices), cage.polygons, apexes, skeleton


def _segment_distances(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Distance (N, B) from each point (N, 3) to each segment starts[b]→ends[b] (B, 3)."""
    direction = ends - starts
    t = np.einsum("nbk,bk->nb", points[:, None] - starts, direction) / np.sum(direction**2, axis=1)
    closest = starts + np.clip(t, 0.0, 1.0)[..., None] * direction
    return np.linalg.norm(points[:, None] - closest, axis=-1)


def skin_weights(vertices: np.ndarray, keypoints: np.ndarray) -> np.ndarray:
    """Smooth top-4 weights (V, 16), each row summing to 1, from distances to the bones.

    The wrist bone is the palm: the segments from the wrist to each finger's base and
    along the knuckle row, so palm vertices far from the wrist→middle line still belong
    to it. A vertex nearest to a finger bone may only follow that finger and the palm:
    fingers sit a few millimetres apart, close enough for a distance falloff to leak.
    """
    finger_bases = [1, 5, 9, 13, 17]
    palm_starts = np.array([keypoints[0]] * 5 + [keypoints[k] for k in (5, 9, 13)])
    palm_ends = np.array([keypoints[k] for k in finger_bases] + [keypoints[k] for k in (9, 13, 17)])
    distances = np.empty((len(vertices), NUM_JOINTS))
    distances[:, 0] = _segment_distances(vertices, palm_starts, palm_ends).min(axis=1)
    joints = list(ARTICULATED_KEYPOINTS[1:])
    children = list(BONE_CHILD_KEYPOINTS[1:])
    distances[:, 1:] = _segment_distances(vertices, keypoints[joints], keypoints[children])
    finger_of_joint = np.array([-1] + [f for f in range(5) for _ in range(3)])
    nearest_finger = finger_of_joint[np.argmin(distances, axis=1)][:, None]
    other_finger = (
        (nearest_finger >= 0) & (finger_of_joint >= 0) & (finger_of_joint != nearest_finger)
    )
    distances[other_finger] = np.inf
    excess = distances - distances.min(axis=1, keepdims=True)
    weights = np.exp(-((excess / SKIN_FALLOFF_M) ** 2))
    weakest = np.argsort(-weights, axis=1, kind="stable")[:, 4:]
    np.put_along_axis(weights, weakest, 0.0, axis=1)
    return weights / weights.sum(axis=1, keepdims=True)


def _surface(anatomy: Anatomy) -> tuple[np.ndarray, np.ndarray, np.ndarray, RestSkeleton]:
    """Subdivided vertices (V, 3), triangles (F, 3), tip vertex ids (5,), skeleton."""
    cage_vertices, polygons, apexes, skeleton = build_cage(anatomy)
    vertices, quads = catmull_clark(cage_vertices, polygons)
    return vertices, triangulate_quads(vertices, quads), np.array(apexes), skeleton


def _joint_regressor(
    template: np.ndarray,
    shape_dirs: np.ndarray,
    joints: np.ndarray,
    joint_dirs: np.ndarray,
    neighbours: int = 40,
) -> np.ndarray:
    """Regressor (16, V) that reproduces ``joints`` from ``template`` and each shape direction.

    Per joint, weights over its nearest vertices: as close to uniform as possible subject
    to exactly reproducing the joint for the template and its offset for every shape
    direction, and to summing to 1 (a minimum-norm correction of the uniform average).
    """
    regressor = np.zeros((NUM_JOINTS, len(template)))
    for j in range(NUM_JOINTS):
        near = np.argsort(np.linalg.norm(template - joints[j], axis=1), kind="stable")[:neighbours]
        rows = [template[near].T] + [shape_dirs[near, :, s].T for s in range(shape_dirs.shape[2])]
        targets = [joints[j]] + [joint_dirs[j, :, s] for s in range(shape_dirs.shape[2])]
        constraints = np.concatenate(rows + [np.ones((1, neighbours))])
        values = np.concatenate(targets + [np.ones(1)])
        uniform = np.full(neighbours, 1.0 / neighbours)
        correction = np.linalg.lstsq(constraints, values - constraints @ uniform, rcond=None)[0]
        regressor[j, near] = uniform + correction
    return regressor


def build_builtin_hand(anatomy: Anatomy | None = None) -> HandModel:
    """Generates the built-in right hand. Deterministic: same anatomy, same arrays."""
    anatomy = anatomy or Anatomy()
    template, faces, tips, skeleton = _surface(anatomy)
    num_shapes = len(SHAPE_NAMES)
    shape_dirs = np.zeros((len(template), 3, num_shapes))
    joint_dirs = np.zeros((NUM_JOINTS, 3, num_shapes))
    for s in range(num_shapes):
        step = np.zeros(num_shapes)
        step[s] = 1.0
        plus, _, _, skeleton_plus = _surface(anatomy.with_shape(step))
        minus, _, _, skeleton_minus = _surface(anatomy.with_shape(-step))
        shape_dirs[:, :, s] = (plus - minus) / 2.0
        joint_dirs[:, :, s] = (skeleton_plus.joints - skeleton_minus.joints) / 2.0
    keypoints = skeleton.keypoints.copy()
    keypoints[list(TIP_KEYPOINTS)] = template[tips]
    bones = RestSkeleton(keypoints, skeleton.pad_normals)
    return HandModel(
        name=NAME,
        template=template,
        shape_dirs=shape_dirs,
        shape_names=SHAPE_NAMES,
        pose_dirs=None,
        joint_regressor=_joint_regressor(template, shape_dirs, skeleton.joints, joint_dirs),
        skin_weights=skin_weights(template, keypoints),
        faces=faces,
        tip_vertices=tips,
        flexion_axes=bones.flexion_axes(),
    )
