"""Headless rasterizer for triangle meshes (the hand): shaded RGB, coverage, mask, depth
and face ids from a mesh in the OpenCV camera frame and pinhole intrinsics K.

Backend: OpenGL 3.3 through moderngl, on a standalone EGL context. On a machine without a
GPU, Mesa's llvmpipe does the rasterizing: a real, conformant rasterizer (perspective-
correct interpolation, near-plane clipping, the GL fill rule at pixel centres, MSAA), with
shaders JIT-compiled to vector code, so one core renders hundreds of 224×224 hand images a
second. Alternatives considered: pyrender needs OSMesa or EGL through PyOpenGL plus trimesh
and networkx, and speaks the OpenGL (y up, −z forward) camera; a numpy z-buffer would
have to re-implement clipping, fill rules, perspective-correct attributes and
antialiasing, and rasterize triangle by triangle in Python or pad every triangle to a
common box to vectorize. moderngl is two small wheels (moderngl, glcontext); the Debian
packages are listed in model.render.context.

    from model.render import DirectionalLight, Renderer
    renderer = Renderer(224, 224)
    result = renderer.render(vertices_cam_m, faces, K, albedo=(0.8, 0.6, 0.5),
                             lights=[DirectionalLight((0.2, 0.3, 1.0), 0.9)], ambient=0.3)
    image = result.coverage[..., None] * result.rgb + (1 - result.coverage[..., None]) * bg
"""

from model.render.camera import project_points
from model.render.context import RendererUnavailableError
from model.render.lighting import DirectionalLight
from model.render.mesh import signed_volume, vertex_normals
from model.render.renderer import Renderer, RenderResult

__all__ = [
    "DirectionalLight",
    "RenderResult",
    "Renderer",
    "RendererUnavailableError",
    "project_points",
    "signed_volume",
    "vertex_normals",
]
