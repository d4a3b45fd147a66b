"""Renderer: OpenCV camera and pixel convention, silhouettes, depth, shading, culling, input checks.

Meshes are built here (quads, a cube, an icosphere) so every expected value is analytic.
The image is 160×120 with an off-centre principal point, so a swapped width/height or a
mirrored axis shows up.
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest

from model.render import (
    DirectionalLight,
    Renderer,
    RendererUnavailableError,
    project_points,
    signed_volume,
    vertex_normals,
)

WIDTH, HEIGHT = 160, 120
FOCAL_PX = 150.0
K = np.array([[FOCAL_PX, 0.0, 83.0], [0.0, FOCAL_PX, 57.0], [0.0, 0.0, 1.0]])
QUAD_FACES = np.array([[0, 1, 2], [0, 2, 3]])


@pytest.fixture(scope="module")
def renderer():
    try:
        renderer = Renderer(WIDTH, HEIGHT)
    except RendererUnavailableError as error:
        pytest.skip(f"no headless OpenGL context on this machine: {error}")
    yield renderer
    renderer.close()


def quad(centre, half_u, half_v) -> np.ndarray:
    """Corners (4, 3) of the parallelogram centre ± half_u ± half_v, counter-clockwise
    about half_u × half_v (its outward normal with QUAD_FACES)."""
    centre, half_u, half_v = (np.asarray(a, dtype=np.float64) for a in (centre, half_u, half_v))
    return np.stack(
        [centre - half_u - half_v, centre + half_u - half_v, centre + half_u + half_v,
         centre - half_u + half_v]
    )  # fmt: skip


def facing_camera(centre, half_width, half_height=None) -> np.ndarray:
    """A rectangle in the plane z = centre z, its normal toward the camera (-z)."""
    half_height = half_width if half_height is None else half_height
    return quad(centre, [half_width, 0, 0], [0, -half_height, 0])


def turned(centre, half_size, yaw_deg) -> np.ndarray:
    """A square turned about the vertical by yaw: normal (sin yaw, 0, -cos yaw)."""
    yaw = np.deg2rad(yaw_deg)
    return quad(centre, half_size * np.array([np.cos(yaw), 0, np.sin(yaw)]), [0, -half_size, 0])


def cube(centre, side) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (24, 3) and faces (12, 3) of an axis-aligned cube, wound outward."""
    vertices, faces = [], []
    for axis in range(3):
        for sign in (-1.0, 1.0):
            normal = np.zeros(3)
            normal[axis] = sign
            half_u = np.roll(normal, 1) * side / 2
            half_v = np.cross(normal, half_u)
            faces.append(QUAD_FACES + 4 * len(vertices))
            vertices.append(quad(np.asarray(centre) + normal * side / 2, half_u, half_v))
    return np.concatenate(vertices), np.concatenate(faces)


def icosphere(centre, radius, subdivisions) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and faces of a subdivided icosahedron on a sphere, wound outward."""
    phi = (1 + 5**0.5) / 2
    points = [
        [-1, phi, 0],
        [1, phi, 0],
        [-1, -phi, 0],
        [1, -phi, 0],
        [0, -1, phi],
        [0, 1, phi],
        [0, -1, -phi],
        [0, 1, -phi],
        [phi, 0, -1],
        [phi, 0, 1],
        [-phi, 0, -1],
        [-phi, 0, 1],
    ]
    faces = [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4],
             [11, 10, 2], [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8],
             [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]]  # fmt: skip
    points = [np.array(p, dtype=np.float64) / np.linalg.norm(p) for p in points]
    for _ in range(subdivisions):
        faces = subdivide(points, faces)
    return np.asarray(centre) + radius * np.array(points), np.array(faces)


def subdivide(points: list[np.ndarray], faces: list[list[int]]) -> list[list[int]]:
    """Splits each triangle in four, appending the edge midpoints (pushed onto the unit
    sphere) to ``points``; returns the new faces, wound like the old ones."""
    midpoints: dict[tuple[int, int], int] = {}

    def midpoint(a: int, b: int) -> int:
        key = (min(a, b), max(a, b))
        if key not in midpoints:
            middle = points[a] + points[b]
            points.append(middle / np.linalg.norm(middle))
            midpoints[key] = len(points) - 1
        return midpoints[key]

    finer = []
    for a, b, c in faces:
        ab, bc, ca = midpoint(a, b), midpoint(b, c), midpoint(c, a)
        finer += [[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]
    return finer


def pixel_rays(pixels_uv: np.ndarray) -> np.ndarray:
    """Camera-frame directions (N, 3) with z = 1 through pixel coordinates (N, 2)."""
    return np.column_stack([pixels_uv, np.ones(len(pixels_uv))]) @ np.linalg.inv(K).T


# --- camera and pixel convention -------------------------------------------------------


def test_project_points_is_opencv_pinhole_projection():
    points = np.array([[0.0, 0.0, 1.0], [0.1, -0.05, 0.5], [-0.2, 0.3, 2.0]])
    expected = np.column_stack(
        [
            FOCAL_PX * points[:, 0] / points[:, 2] + K[0, 2],
            FOCAL_PX * points[:, 1] / points[:, 2] + K[1, 2],
        ]
    )
    np.testing.assert_allclose(project_points(K, points), expected)


@pytest.mark.parametrize(("inset", "first", "last"), [(0.02, 11, 19), (-0.02, 10, 20)])
def test_pixel_centres_sit_at_integer_pixel_coordinates(renderer, inset, first, last):
    # A square whose edges project just inside (or just outside) the centres of
    # columns/rows 10 and 20 covers exactly those centres: a half-pixel error would shift
    # every edge by a whole column.
    depth = 0.8
    top_left, bottom_right = pixel_rays(np.array([[10 + inset] * 2, [20 - inset] * 2])) * depth
    centre, half = (top_left + bottom_right) / 2, (bottom_right - top_left) / 2
    result = renderer.render(facing_camera(centre, half[0], half[1]), QUAD_FACES, K)
    rows, cols = np.nonzero(result.mask)
    assert (cols.min(), cols.max(), rows.min(), rows.max()) == (first, last, first, last)
    assert result.mask.sum() == (last - first + 1) ** 2


def test_projected_point_lands_on_the_pixel_that_renders_it(renderer):
    # Small triangles around random points: the coverage-weighted centre of each rendered
    # triangle is its projected centroid, within a fraction of a pixel.
    rng = np.random.default_rng(0)
    for _ in range(20):
        target_uv = rng.uniform([20, 20], [WIDTH - 20, HEIGHT - 20])
        depth = rng.uniform(0.3, 2.0)
        centroid = pixel_rays(target_uv[None])[0] * depth
        radius = 2.5 * depth / FOCAL_PX  # 2.5 px
        angles = np.deg2rad([90, 210, 330])
        triangle = centroid + radius * np.column_stack(
            [np.cos(angles), -np.sin(angles), np.zeros(3)]
        )
        result = renderer.render(triangle, [[0, 1, 2]], K, cull_back_faces=False)
        rows, cols = np.mgrid[:HEIGHT, :WIDTH]
        weight = result.coverage.sum()
        rendered_uv = np.array(
            [(result.coverage * cols).sum() / weight, (result.coverage * rows).sum() / weight]
        )
        projected_uv = project_points(K, centroid[None])[0]
        assert np.abs(rendered_uv - projected_uv).max() < 0.25
        nearest = np.rint(projected_uv).astype(int)
        assert result.face_id[nearest[1], nearest[0]] == 0


# --- silhouettes and depth ---------------------------------------------------------------


def test_cube_silhouette_is_the_projected_front_face(renderer):
    # On the optical axis only the front face is visible; its projection is a square.
    side, depth = 0.2, 0.97
    vertices, faces = cube([0.0, 0.0, depth + side / 2], side)
    result = renderer.render(vertices, faces, K)
    expected_area_px = (FOCAL_PX * side / depth) ** 2
    assert result.coverage.sum() == pytest.approx(expected_area_px, rel=0.01)
    assert result.mask.sum() == pytest.approx(expected_area_px, rel=0.02)


def test_sphere_silhouette_area_matches_the_projected_disc(renderer):
    radius, distance = 0.1, 0.9
    vertices, faces = icosphere([0.0, 0.0, distance], radius, subdivisions=4)
    result = renderer.render(vertices, faces, K)
    # A sphere on the optical axis projects to a disc of radius f·r / sqrt(d² - r²).
    disc_radius_px = FOCAL_PX * radius / np.sqrt(distance**2 - radius**2)
    assert result.coverage.sum() == pytest.approx(np.pi * disc_radius_px**2, rel=0.01)
    rows, cols = np.nonzero(result.mask)
    assert cols.mean() == pytest.approx(K[0, 2], abs=0.1)
    assert rows.mean() == pytest.approx(K[1, 2], abs=0.1)


def test_depth_at_the_centre_pixel_is_the_distance_to_the_surface(renderer):
    side, depth = 0.2, 0.75
    vertices, faces = cube([0.0, 0.0, depth + side / 2], side)
    result = renderer.render(vertices, faces, K)
    centre_row, centre_col = int(K[1, 2]), int(K[0, 2])
    assert result.depth[centre_row, centre_col] == pytest.approx(depth, rel=1e-6)
    assert np.isinf(result.depth[~result.mask]).all()
    assert (result.face_id[~result.mask] == -1).all()


def test_depth_is_perspective_correct_on_a_slanted_plane(renderer):
    # Plane z = d + a·x: along the ray through pixel u, z = d / (1 - a·(u - cx)/f).
    distance, slope = 1.0, 0.6
    plane = quad([0.0, 0.0, distance], [0.4, 0.0, 0.4 * slope], [0.0, -0.3, 0.0])
    result = renderer.render(plane, QUAD_FACES, K)
    row = int(K[1, 2])
    cols = np.arange(20, 126, 7)
    expected = distance / (1 - slope * (cols - K[0, 2]) / FOCAL_PX)
    np.testing.assert_allclose(result.depth[row, cols], expected, rtol=1e-5)


@pytest.mark.parametrize("near_first", [True, False])
def test_nearer_triangle_occludes_farther_whatever_the_drawing_order(renderer, near_first):
    near = facing_camera([0.0, 0.0, 0.5], 0.05)
    far = facing_camera([0.02, 0.0, 0.8], 0.1)
    vertices = np.concatenate([near, far] if near_first else [far, near])
    faces = np.concatenate([QUAD_FACES, QUAD_FACES + 4])
    near_faces = {0, 1} if near_first else {2, 3}
    result = renderer.render(vertices, faces, K)
    corners_uv = project_points(K, near).round().astype(int)
    rows = slice(corners_uv[:, 1].min() + 1, corners_uv[:, 1].max())
    cols = slice(corners_uv[:, 0].min() + 1, corners_uv[:, 0].max())
    assert set(np.unique(result.face_id[rows, cols])) <= near_faces
    np.testing.assert_allclose(result.depth[rows, cols], 0.5, rtol=1e-6)
    assert set(np.unique(result.face_id[result.mask])) == {0, 1, 2, 3}


def test_geometry_behind_the_camera_is_clipped_not_mirrored(renderer):
    # A floor 0.2 m below the camera from z = -1 to 1 m: only its part in front is drawn,
    # which is the image below row cy + f·0.2/1 (where the floor ends at z = 1 m).
    floor = quad([0.0, 0.2, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0])
    result = renderer.render(floor, QUAD_FACES, K, cull_back_faces=False)
    far_edge_row = K[1, 2] + FOCAL_PX * 0.2 / 1.0
    assert result.mask[int(far_edge_row) + 1 :].all()
    assert not result.mask[: int(far_edge_row)].any()
    behind = facing_camera([0.0, 0.0, -0.5], 0.1)
    empty = renderer.render(behind, QUAD_FACES, K)
    assert not empty.mask.any() and not empty.coverage.any() and not empty.rgb.any()


def test_mesh_partly_or_wholly_outside_the_image_is_cut_at_its_border(renderer):
    # A square reaching 10 columns past the left border; then the same moved out of view.
    depth, half = 1.0, 0.1  # 15 px half-width at f = 150 px
    centre_uv = [5.3, 50.3]  # spans u -9.7 .. 20.3 and v 35.3 .. 65.3
    square = facing_camera(pixel_rays(np.array([centre_uv]))[0] * depth, half)
    result = renderer.render(square, QUAD_FACES, K)
    rows, cols = np.nonzero(result.mask)
    assert (cols.min(), cols.max(), rows.min(), rows.max()) == (0, 20, 36, 65)
    assert result.mask.sum() == 21 * 30
    outside = renderer.render(square - [0.5, 0.0, 0.0], QUAD_FACES, K)
    assert not outside.mask.any() and not outside.coverage.any()


# --- winding and culling -------------------------------------------------------------------


def test_culling_removes_faces_turned_away_in_the_y_down_camera_frame(renderer):
    # Counter-clockwise seen from the camera = normal toward it = kept; the same triangle
    # wound the other way faces away and is culled (unless culling is off).
    toward = facing_camera([0.0, 0.0, 0.6], 0.05)[:3]
    assert np.cross(toward[1] - toward[0], toward[2] - toward[0])[2] < 0
    assert renderer.render(toward, [[0, 1, 2]], K).mask.any()
    assert not renderer.render(toward, [[0, 2, 1]], K).mask.any()
    assert renderer.render(toward, [[0, 2, 1]], K, cull_back_faces=False).mask.any()


def test_culling_back_faces_of_a_closed_mesh_changes_nothing(renderer):
    vertices, faces = icosphere([0.02, -0.01, 0.7], 0.08, subdivisions=2)
    lights = [DirectionalLight((0.3, 0.2, 1.0), 0.9)]
    culled = renderer.render(vertices, faces, K, lights=lights, specular=0.3)
    drawn = renderer.render(vertices, faces, K, lights=lights, specular=0.3, cull_back_faces=False)
    for name in ("rgb", "coverage", "mask", "depth", "face_id"):
        np.testing.assert_array_equal(getattr(culled, name), getattr(drawn, name), name)


def test_inverted_winding_is_refused_when_culling_and_drawn_without(renderer):
    vertices, faces = cube([0.0, 0.0, 1.0], 0.2)
    assert signed_volume(vertices, faces) == pytest.approx(0.2**3)
    assert signed_volume(vertices, faces[:, ::-1]) == pytest.approx(-(0.2**3))
    with pytest.raises(ValueError, match="clockwise"):
        renderer.render(vertices, faces[:, ::-1], K)
    inverted = renderer.render(vertices, faces[:, ::-1], K, cull_back_faces=False)
    np.testing.assert_array_equal(inverted.mask, renderer.render(vertices, faces, K).mask)


def test_smooth_normals_of_a_sphere_point_outward_from_its_centre():
    centre = np.array([0.1, 0.2, 0.5])
    vertices, faces = icosphere(centre, 0.05, subdivisions=3)
    radial = (vertices - centre) / 0.05
    normals = vertex_normals(vertices, faces)
    assert normals.shape == vertices.shape and normals.dtype == np.float32
    assert np.einsum("ij,ij->i", normals, radial).min() > 0.999


# --- shading -------------------------------------------------------------------------------


def mean_over_face_pair(result, first_face: int) -> np.ndarray:
    """Mean RGB (3,) over the pixels whose centre shows face first_face or the next one."""
    pixels = (result.face_id == first_face) | (result.face_id == first_face + 1)
    return result.rgb[pixels].mean(axis=0)


def test_lambert_shading_follows_the_cosine_of_the_light_angle(renderer):
    # Two separate squares (no shared vertices, so their smooth normals are their face
    # normals) under a light from behind the camera: one faces it, one is turned 60° away.
    albedo = (0.8, 0.6, 0.4)
    result = renderer.render(
        np.concatenate([turned([-0.06, 0, 0.6], 0.04, 0), turned([0.06, 0, 0.6], 0.04, 60)]),
        np.concatenate([QUAD_FACES, QUAD_FACES + 4]),
        K,
        albedo=albedo,
        lights=[DirectionalLight((0.0, 0.0, 1.0), 1.0)],
        ambient=0.0,
        srgb=False,
    )
    bright, dim = mean_over_face_pair(result, 0), mean_over_face_pair(result, 2)
    np.testing.assert_allclose(bright, 255 * np.array(albedo), atol=0.6)
    np.testing.assert_allclose(dim / bright, np.cos(np.deg2rad(60)), atol=0.005)


def test_light_direction_is_the_direction_the_light_travels(renderer):
    # Light travelling toward +x reaches the square turned toward -x, not the other one.
    result = renderer.render(
        np.concatenate([turned([-0.05, 0, 0.6], 0.03, -45), turned([0.05, 0, 0.6], 0.03, 45)]),
        np.concatenate([QUAD_FACES, QUAD_FACES + 4]),
        K,
        albedo=1.0,
        lights=[((1.0, 0.0, 0.0), 1.0)],
        ambient=0.1,
        srgb=False,
    )
    lit, unlit = mean_over_face_pair(result, 0), mean_over_face_pair(result, 2)
    np.testing.assert_allclose(lit, 255 * (0.1 + np.cos(np.deg2rad(45))), atol=0.6)
    np.testing.assert_allclose(unlit, 255 * 0.1, atol=0.6)


def test_blinn_phong_highlight_adds_the_specular_strength_where_n_bisects(renderer):
    # Light from the camera onto a face-on quad: at the pixel on the optical axis the half
    # vector equals the normal, so the highlight there is exactly specular × light colour.
    plane = facing_camera([0.0, 0.0, 0.6], 0.1)
    common = dict(albedo=0.5, lights=[((0, 0, 1), 0.6)], ambient=0.0, srgb=False)
    plain = renderer.render(plane, QUAD_FACES, K, **common)
    shiny = renderer.render(plane, QUAD_FACES, K, specular=0.25, shininess=200.0, **common)
    row, col = int(K[1, 2]), int(K[0, 2])
    assert plain.rgb[row, col, 0] == pytest.approx(255 * 0.3, abs=0.6)
    assert shiny.rgb[row, col, 0] == pytest.approx(255 * (0.3 + 0.25 * 0.6), abs=0.6)
    corner_row, corner_col = np.argwhere(plain.mask)[0]
    highlight_at_corner = (
        shiny.rgb[corner_row, corner_col, 0] - plain.rgb[corner_row, corner_col, 0]
    )
    assert highlight_at_corner < 255 * 0.25 * 0.6 / 2  # the highlight falls off


def test_srgb_output_encodes_the_linear_shade(renderer):
    plane = facing_camera([0.0, 0.0, 0.6], 0.1)
    linear = renderer.render(plane, QUAD_FACES, K, albedo=0.2, lights=[], ambient=1.0, srgb=False)
    encoded = renderer.render(plane, QUAD_FACES, K, albedo=0.2, lights=[], ambient=1.0)
    value = linear.rgb[linear.mask][:, 0].mean() / 255
    srgb = 1.055 * value ** (1 / 2.4) - 0.055
    assert encoded.rgb[encoded.mask].mean() == pytest.approx(255 * srgb, abs=0.6)


# --- coverage and compositing ----------------------------------------------------------------


def test_coverage_is_antialiased_and_edge_pixels_keep_the_surface_colour(renderer):
    vertices, faces = icosphere([0.0, 0.0, 0.6], 0.08, subdivisions=3)
    result = renderer.render(vertices, faces, K, albedo=(0.9, 0.9, 0.9), lights=[], ambient=1.0)
    levels = np.unique(result.coverage)
    np.testing.assert_allclose(levels * renderer.samples, np.rint(levels * renderer.samples))
    assert ((levels > 0) & (levels < 1)).any()  # soft edge, not a binary mask
    assert (result.coverage[result.mask] > 0).mean() > 0.999
    edge = (result.coverage > 0) & ~result.mask
    assert edge.any()
    # Flat white material: every pixel with coverage, edge or not, shows that white.
    assert (result.rgb[result.coverage > 0] == result.rgb[result.mask][0]).all()
    assert not result.rgb[(result.coverage == 0) & ~result.mask].any()


def test_output_types_and_shapes(renderer):
    result = renderer.render(*cube([0.0, 0.0, 1.0], 0.2), K)
    assert result.rgb.shape == (HEIGHT, WIDTH, 3) and result.rgb.dtype == np.uint8
    assert result.coverage.shape == (HEIGHT, WIDTH) and result.coverage.dtype == np.float32
    assert result.mask.dtype == bool and result.depth.dtype == np.float32
    assert result.face_id.dtype == np.int32


def test_same_input_renders_identically(renderer):
    vertices, faces = icosphere([0.01, 0.02, 0.5], 0.07, subdivisions=2)
    albedo = np.random.default_rng(1).uniform(0.2, 0.9, size=(len(vertices), 3))
    scene = dict(albedo=albedo, lights=[((0.2, 0.5, 1.0), (1.0, 0.9, 0.8))], specular=0.2)
    first = renderer.render(vertices, faces, K, **scene)
    renderer.render(*cube([0.0, 0.0, 1.0], 0.3), K)  # something else in between
    second = renderer.render(vertices, faces, K, **scene)
    for name in ("rgb", "coverage", "mask", "depth", "face_id"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name), name)


def test_renderers_of_different_sizes_can_be_used_in_turn(renderer):
    # Each render makes its own context current: the last one created must not capture
    # the GL calls of an older renderer.
    vertices, faces = cube([0.0, 0.0, 1.0], 0.2)
    before = renderer.render(vertices, faces, K)
    with Renderer(40, 30) as small:
        small_result = small.render(vertices, faces, K / [[4], [4], [1]])
        after = renderer.render(vertices, faces, K)
    assert small_result.mask.shape == (30, 40) and small_result.mask.any()
    np.testing.assert_array_equal(before.rgb, after.rgb)
    np.testing.assert_array_equal(before.face_id, after.face_id)
    np.testing.assert_array_equal(renderer.render(vertices, faces, K).mask, before.mask)


def test_builtin_hand_is_wound_outward_and_culling_leaves_its_image_unchanged(renderer):
    from model.hand import load_builtin_hand

    hand = load_builtin_hand()
    vertices = hand.template - hand.template.mean(axis=0) + [0.0, 0.0, 0.45]
    assert signed_volume(vertices, hand.faces) > 0
    mirrored = vertices * [-1, 1, 1]  # a left hand: the mirror turns the winding inside out
    with pytest.raises(ValueError, match="clockwise"):
        renderer.render(mirrored, hand.faces, K)
    scene = dict(albedo=(0.8, 0.6, 0.5), lights=[((0.3, 0.4, 1.0), 0.9)], specular=0.2)
    culled = renderer.render(vertices, hand.faces, K, **scene)
    drawn = renderer.render(vertices, hand.faces, K, cull_back_faces=False, **scene)
    assert culled.mask.sum() > 1000
    np.testing.assert_array_equal(culled.mask, drawn.mask)
    np.testing.assert_array_equal(culled.coverage, drawn.coverage)
    # Where front and back faces meet edge-on at the silhouette, an unculled back face can
    # win the depth test by rounding: the only pixels allowed to differ.
    differing = (culled.face_id != drawn.face_id) | (culled.rgb != drawn.rgb).any(axis=2)
    assert differing.sum() <= 0.002 * culled.mask.sum()
    assert (culled.coverage[differing] < 1).all()
    # Reversed faces make the mirrored hand right again: its silhouette is the mirror image
    # (x → -x moves pixel column u to 2·cx - u; cx is an integer here).
    left = renderer.render(mirrored, hand.faces[:, ::-1], K, **scene)
    cols = np.arange(2 * int(K[0, 2]) - WIDTH + 1, WIDTH)
    np.testing.assert_array_equal(left.mask[:, cols], culled.mask[:, 2 * int(K[0, 2]) - cols])
    assert left.mask.sum() == culled.mask.sum()


def _render_in_forked_child(renderer: Renderer | None) -> None:
    """Child process body: exit 0 if rendering (with the inherited renderer, or a new one)
    raises the fork RuntimeError, 1 if it does anything else."""
    try:
        (renderer or Renderer(16, 16)).render(*cube([0.0, 0.0, 1.0], 0.2), K)
    except RuntimeError as error:
        os._exit(0 if "fork" in str(error) else 1)
    os._exit(1)


@pytest.mark.parametrize("inherited", [True, False])
def test_forked_child_gets_an_error_instead_of_a_hang(renderer, inherited):
    renderer.render(*cube([0.0, 0.0, 1.0], 0.2), K)  # the driver and its threads are running
    child = multiprocessing.get_context("fork").Process(
        target=_render_in_forked_child, args=(renderer if inherited else None,)
    )
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        pytest.fail("rendering in a forked child hung")
    assert child.exitcode == 0


# --- input checks ----------------------------------------------------------------------------

GOOD_TRIANGLE = facing_camera([0.0, 0.0, 1.0], 0.1)[:3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(vertices_cam_m=np.zeros((3, 2))), "vertices must have shape"),
        (dict(vertices_cam_m=np.zeros((0, 3))), "at least 3 vertices"),
        (dict(vertices_cam_m=np.where(np.eye(3, dtype=bool), np.nan, GOOD_TRIANGLE)), "finite"),
        (dict(faces=np.zeros((0, 3), int)), "faces is empty"),
        (dict(faces=[[0, 1]]), r"faces must have shape \(F, 3\)"),
        (dict(faces=[[0, 1, 3]]), "face indices must lie in"),
        (dict(faces=[[0.0, 1.0, 2.0]]), "integer vertex indices"),
        (dict(K=np.eye(2)), "3×3"),
        (dict(K=np.diag([0.0, 100.0, 1.0])), "focal lengths must be positive"),
        (dict(K=np.full((3, 3), np.nan)), "NaN"),
        (dict(albedo=np.ones((4, 3))), "albedo must be"),
        (dict(albedo=(1.5, 0.5, 0.5)), r"within \[0, 1\]"),
        (dict(lights=[((0, 0, 0), 1.0)]), "non-zero"),
        (dict(lights=[((0, 0, 1), -1.0)]), "non-negative"),
        (dict(lights=[((0, 0, 1), 1.0)] * 9), "at most 8"),
        (dict(ambient=np.nan), "ambient"),
        (dict(shininess=0.0), "shininess"),
        (dict(near_far=(1.0, 0.5)), "near < far"),
    ],
)
def test_malformed_input_raises_a_clear_value_error(renderer, change, message):
    arguments = dict(vertices_cam_m=GOOD_TRIANGLE, faces=[[0, 1, 2]], K=K) | change
    with pytest.raises(ValueError, match=message):
        renderer.render(**arguments)


def test_bad_renderer_settings_are_refused():
    with pytest.raises(ValueError, match="image size"):
        Renderer(0, 10)
    try:
        with pytest.raises(ValueError, match="samples"):
            Renderer(8, 8, samples=64)
    except RendererUnavailableError as error:
        pytest.skip(f"no headless OpenGL context on this machine: {error}")
