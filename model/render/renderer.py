"""The Renderer: shaded images, coverage, masks, depth and face ids of a triangle mesh.

One Renderer owns a GL context and its render targets for one image size; creating it
costs tens of milliseconds, a render a few milliseconds, so make one per process (per
data-loader worker) and reuse it. Several renderers may live in one process (each makes
its context current for the length of a render). Not thread-safe: use a renderer from one
thread at a time. Not fork-safe: a process forked after the parent rendered cannot render
(model.render.context says why); such a child gets a RuntimeError, not a hang.

Two passes per image:
1. surface, one sample per pixel at its centre, depth-tested: shaded colour, visible face
   id, camera depth, and so the hard mask. These are exact in the OpenCV pixel convention
   of model.render.camera: a point projected with project_points lands on the pixel
   whose face id and depth say what is seen there.
2. coverage, ``samples``× MSAA, no depth test (the silhouette is the union of all faces),
   resolved (averaged) only inside the mesh's pixel bounds: the antialiased alpha for
   ``coverage·rgb + (1 - coverage)·background``. Partly covered pixels whose centre misses
   the mesh get their colour from model.render.fringe.
The colour is shaded once per pixel and only coverage is multisampled, because llvmpipe
runs fragment shaders once per sample under MSAA.

Back faces are culled by default, which halves the rasterizer's work on a closed mesh and
leaves its image unchanged. That needs faces wound counter-clockwise seen from outside
(model.render.mesh); since the camera frame has y down, GL's window rows run down the
image too, and there a front face appears clockwise, which is what the cull state says.
A mesh that is open (so its inside can be seen) or wound the other way must be rendered
with ``cull_back_faces=False``; a closed mesh wound inside out is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import moderngl
import numpy as np
from numpy.typing import ArrayLike

from model.render.camera import clip_from_camera, depth_range, pixel_bounds, validate_intrinsics
from model.render.context import check_not_forked, create_headless_context
from model.render.fringe import fill_fringe
from model.render.lighting import DirectionalLight, Shading, make_shading, validate_albedo
from model.render.mesh import (
    face_normals_area_weighted,
    validate_mesh,
    vertex_normals,
    winding_is_inverted,
)
from model.render.shaders import (
    COVERAGE_FRAGMENT,
    COVERAGE_VERTEX,
    SURFACE_FRAGMENT,
    SURFACE_VERTEX,
)

# A light from behind the camera, slightly above: what a render gets without lights.
DEFAULT_LIGHTS = (DirectionalLight(direction=(0.0, 0.3, 1.0), color=0.8),)

# Margin (px) around the projected vertices' bounding box inside which the passes clear,
# resolve and read: the mesh cannot reach past its vertices' convex hull, so this only
# absorbs rounding between float64 here and float32 in GL.
_BOUNDS_MARGIN_PX = 2


@dataclass(frozen=True)
class RenderResult:
    """One rendered image, all arrays (H, W), row 0 at the top, in the camera's pixels.

    rgb (H, W, 3) uint8: shaded colour at the pixel centre, sRGB-encoded unless asked
        otherwise, straight (not premultiplied); on partly covered edge pixels whose
        centre misses the mesh, the mean of their covered neighbours; black elsewhere.
    coverage (H, W) float32 in [0, 1]: antialiased fraction of each pixel covered by the
        mesh (a multiple of 1/samples); the alpha to composite with.
    mask (H, W) bool: the mesh covers the pixel's centre.
    depth (H, W) float32: camera z (m) of the visible surface at the pixel centre; inf on
        the background.
    face_id (H, W) int32: index into ``faces`` of the face seen at the pixel centre; -1 on
        the background.
    """

    rgb: np.ndarray
    coverage: np.ndarray
    mask: np.ndarray
    depth: np.ndarray
    face_id: np.ndarray


class Renderer:
    """Rasterizes triangle meshes given in the OpenCV camera frame into ``width × height``
    images (see the module docstring); one instance per process, reused across calls."""

    def __init__(
        self, width: int, height: int, *, samples: int = 4, raster_threads: int | None = None
    ) -> None:
        """samples: MSAA samples per pixel for the coverage (at most what the driver
        offers, 4 on llvmpipe). raster_threads: see create_headless_context in
        model.render.context."""
        if width < 1 or height < 1:
            raise ValueError(f"image size must be positive, got {width}×{height}")
        self.width, self.height = int(width), int(height)
        self._ctx = create_headless_context(raster_threads)
        if not 1 <= samples <= max(self._ctx.max_samples, 1):
            offered = self._ctx.max_samples
            self._ctx.release()
            raise ValueError(f"samples must be in [1, {offered}], got {samples}")
        self.samples = samples
        with self._ctx:
            self._ctx.front_face = "cw"  # front faces, seen in GL's y-down window (see above)
            self._ctx.cull_face = "back"
            self._make_targets()
            self._make_programs()

    def _make_targets(self) -> None:
        size = (self.width, self.height)
        ctx = self._ctx
        self._surface_target = ctx.framebuffer(
            [
                ctx.renderbuffer(size, 3),
                ctx.renderbuffer(size, 1, dtype="i4"),
                ctx.renderbuffer(size, 1, dtype="f4"),
            ],
            ctx.depth_renderbuffer(size),
        )
        # Float coverage: the resolve averages 0s and 1s into exact multiples of 1/samples.
        self._coverage_target = ctx.framebuffer(
            [ctx.renderbuffer(size, 1, samples=self.samples, dtype="f4")]
        )
        self._resolved_target = ctx.framebuffer([ctx.renderbuffer(size, 1, dtype="f4")])

    def _make_programs(self) -> None:
        """Programs, and vertex/index buffers that are resized in place per mesh: the
        vertex arrays keep pointing at them, so nothing GL-side is created per render."""
        ctx = self._ctx
        self._surface = ctx.program(vertex_shader=SURFACE_VERTEX, fragment_shader=SURFACE_FRAGMENT)
        self._coverage = ctx.program(
            vertex_shader=COVERAGE_VERTEX, fragment_shader=COVERAGE_FRAGMENT
        )
        self._positions, self._normals, self._albedos, self._indices = (
            ctx.buffer(reserve=12, dynamic=True) for _ in range(4)
        )
        self._surface_vao = ctx.vertex_array(
            self._surface,
            [
                (self._positions, "3f", "in_position"),
                (self._normals, "3f", "in_normal"),
                (self._albedos, "3f", "in_albedo"),
            ],
            index_buffer=self._indices,
            index_element_size=4,
        )
        self._coverage_vao = ctx.vertex_array(
            self._coverage,
            [(self._positions, "3f", "in_position")],
            index_buffer=self._indices,
            index_element_size=4,
        )

    def render(
        self,
        vertices_cam_m: ArrayLike,
        faces: ArrayLike,
        K: ArrayLike,
        *,
        albedo: ArrayLike = (0.8, 0.6, 0.5),
        lights: Sequence[DirectionalLight | tuple[ArrayLike, ArrayLike]] = DEFAULT_LIGHTS,
        ambient: ArrayLike = 0.3,
        specular: float = 0.0,
        shininess: float = 16.0,
        srgb: bool = True,
        near_far: tuple[float, float] | None = None,
        cull_back_faces: bool = True,
    ) -> RenderResult:
        """Renders one mesh; raises ValueError for malformed input.

        vertices_cam_m (V, 3): OpenCV camera frame, m (x right, y down, z forward).
        faces (F, 3) int: counter-clockwise seen from outside (model.render.mesh).
        K (3, 3): intrinsics in pixels, OpenCV convention (model.render.camera).
        albedo: linear RGB in [0, 1], per vertex (V, 3) or one (3,) for the whole mesh.
        lights: directional lights (direction of travel in the camera frame, linear RGB
            colour), at most model.render.lighting.MAX_LIGHTS; ambient: (3,) or one number.
        specular, shininess: Blinn–Phong strength (0 turns it off) and exponent.
        srgb: encode the output colour as sRGB (True, for images); False returns the linear
            shaded value scaled to 0..255 (for photometric checks).
        near_far: clip planes (m); by default derived from the vertices' depths. Geometry
            behind the camera or outside the planes is clipped away.
        cull_back_faces: skip faces turned away from the camera (see the module docstring);
            False for open meshes or ones wound clockwise.
        """
        check_not_forked()
        vertices, faces = validate_mesh(vertices_cam_m, faces)
        K = validate_intrinsics(K)
        albedos = validate_albedo(albedo, len(vertices))
        shading = make_shading(lights, ambient, specular, shininess)
        face_normals = face_normals_area_weighted(vertices, faces)
        if cull_back_faces and winding_is_inverted(vertices, faces, face_normals):
            raise ValueError(
                "the faces wind clockwise seen from outside (their normals point inward), so "
                "culling back faces would show the mesh's inside: reverse each face "
                "(faces[:, ::-1]) or pass cull_back_faces=False"
            )
        planes = depth_range(vertices[:, 2]) if near_far is None else _check_planes(near_far)
        if planes is None:
            return self._empty_result()
        clip = clip_from_camera(K, self.width, self.height, *planes)
        bounds = pixel_bounds(K, vertices, planes[0], self.width, self.height, _BOUNDS_MARGIN_PX)
        with self._ctx:  # current on this thread, whichever renderer was used last
            self._upload(vertices, faces, vertex_normals(vertices, faces, face_normals), albedos)
            self._set_uniforms(clip, shading, srgb)
            self._draw(3 * len(faces), cull_back_faces, bounds)
            return self._read(bounds)

    def _upload(
        self, vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray, albedos: np.ndarray
    ) -> None:
        """Arrays (V, 3) float32 and faces (F, 3) int32 into the GL buffers."""
        for buffer, data in (
            (self._positions, vertices),
            (self._normals, normals),
            (self._albedos, albedos),
            (self._indices, faces),
        ):
            buffer.orphan(data.nbytes)
            buffer.write(np.ascontiguousarray(data))

    def _set_uniforms(self, clip: np.ndarray, shading: Shading, srgb: bool) -> None:
        # GL matrices are column-major: upload the transpose of the row-major matrix.
        clip_bytes = clip.T.astype(np.float32).tobytes()
        self._coverage["clip_from_camera"].write(clip_bytes)
        surface = self._surface
        surface["clip_from_camera"].write(clip_bytes)
        surface["light_count"].value = shading.light_count
        surface["light_dirs"].write(shading.light_dirs.tobytes())
        surface["light_colors"].write(shading.light_colors.tobytes())
        surface["ambient"].write(shading.ambient.tobytes())
        surface["specular"].value = shading.specular
        surface["shininess"].value = shading.shininess
        surface["encode_srgb"].value = srgb

    def _draw(
        self, corner_count: int, cull_back_faces: bool, bounds: tuple[int, int, int, int]
    ) -> None:
        """Both passes and the coverage resolve. Clears, draws and the resolve (a blit) all
        obey the scissor, so their cost follows the mesh's pixel bounds, not the image;
        nothing outside the bounds is ever read back."""
        ctx = self._ctx
        for target in (self._surface_target, self._coverage_target, self._resolved_target):
            target.scissor = bounds  # moderngl keeps the scissor per framebuffer
        if cull_back_faces:
            ctx.enable(moderngl.CULL_FACE)
        else:
            ctx.disable(moderngl.CULL_FACE)
        ctx.enable(moderngl.DEPTH_TEST)
        self._surface_target.use()
        self._surface_target.clear(depth=1.0)  # face 0 = background, see SURFACE_FRAGMENT
        self._surface_vao.render(moderngl.TRIANGLES, vertices=corner_count)
        ctx.disable(moderngl.DEPTH_TEST)
        self._coverage_target.use()
        self._coverage_target.clear()
        self._coverage_vao.render(moderngl.TRIANGLES, vertices=corner_count)
        self._resolved_target.use()
        ctx.copy_framebuffer(self._resolved_target, self._coverage_target)

    def _read(self, bounds: tuple[int, int, int, int]) -> RenderResult:
        """Reads the pixels inside ``bounds`` (x, y, w, h) into full-size outputs whose
        other pixels are background."""
        result = self._empty_result()
        left, top, width, height = bounds
        if width == 0 or height == 0:
            return result
        box = (height, width)
        rgb = np.empty((*box, 3), np.uint8)
        face_id = np.empty(box, np.int32)
        depth = np.empty(box, np.float32)
        coverage = np.empty(box, np.float32)
        self._surface_target.read_into(rgb, bounds, components=3, attachment=0)
        self._surface_target.read_into(face_id, bounds, components=1, attachment=1, dtype="i4")
        self._surface_target.read_into(depth, bounds, components=1, attachment=2, dtype="f4")
        self._resolved_target.read_into(coverage, bounds, components=1, dtype="f4")
        mask = face_id > 0
        fill_fringe(rgb, mask, coverage)
        inside = np.s_[top : top + height, left : left + width]
        result.rgb[inside] = rgb
        result.coverage[inside] = coverage
        result.mask[inside] = mask
        result.depth[inside] = np.where(mask, depth, np.inf)
        result.face_id[inside] = face_id - 1
        return result

    def _empty_result(self) -> RenderResult:
        shape = (self.height, self.width)
        return RenderResult(
            rgb=np.zeros((*shape, 3), np.uint8),
            coverage=np.zeros(shape, np.float32),
            mask=np.zeros(shape, bool),
            depth=np.full(shape, np.inf, np.float32),
            face_id=np.full(shape, -1, np.int32),
        )

    def close(self) -> None:
        """Frees the GL context and everything in it; the renderer is unusable afterwards."""
        self._ctx.release()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _check_planes(near_far: tuple[float, float]) -> tuple[float, float]:
    near, far = (float(plane) for plane in near_far)
    if not (np.isfinite(near) and np.isfinite(far) and 0 < near < far):
        raise ValueError(f"near_far must be finite with 0 < near < far, got {near_far}")
    return near, far
