"""A headless OpenGL 3.3+ context through EGL, on whatever device EGL lists first.

On a machine without a GPU that is Mesa's llvmpipe software rasterizer (LLVM-compiled
shaders, multithreaded), reached with no display server: glcontext's EGL backend opens
an EGL *device* display (EGL_EXT_device_enumeration / EGL_EXT_platform_device), which Mesa
provides as a software device, so neither X11, Wayland nor DRM nodes are involved.
Debian 12 packages behind it: libegl1 (the libglvnd EGL loader), libegl-mesa0 (Mesa's EGL
vendor library), libgl1 (libGL.so.1, which glcontext opens for GL entry points) and
libgl1-mesa-dri (the llvmpipe driver itself).
"""

from __future__ import annotations

import os

import moderngl

# The GL version the shaders are written for (GLSL 330 core, gl_PrimitiveID in fragments).
REQUIRED_GL_VERSION = 330

# What a Debian 12 machine needs for this backend; quoted in the error below.
APT_PACKAGES = "libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri"


class RendererUnavailableError(RuntimeError):
    """No headless OpenGL context could be created on this machine."""


# The process in which Mesa's driver was started. A fork()ed child inherits the driver's
# state but not its threads, so GL calls there, even on a new context, can wait for ever on
# threads that do not exist (they do with llvmpipe's default rasterizer threads).
_driver_pid: int | None = None


def check_not_forked() -> None:
    """Raises RuntimeError in a fork()ed child of a process that has used the renderer,
    where GL would deadlock instead."""
    if _driver_pid is not None and _driver_pid != os.getpid():
        raise RuntimeError(
            "this process was fork()ed from one that had already started the OpenGL driver "
            f"(pid {_driver_pid}); GL calls here would hang. Create renderers only in the "
            "worker processes, or start workers with the 'spawn' or 'forkserver' method"
        )


def create_headless_context(raster_threads: int | None) -> moderngl.Context:
    """A standalone moderngl context on EGL (no window, no display server).

    raster_threads: llvmpipe's rasterizer threads (LP_NUM_THREADS). None keeps Mesa's
    default, one per core; 0 rasterizes in the calling thread, for machines where worker
    processes already fill the cores and N workers × N threads would oversubscribe them
    (on 2 cores with 2 workers it made no measurable difference). The driver reads the
    variable when it starts, so only the process's first context takes it; it is set in
    the environment for that reason.
    """
    global _driver_pid
    check_not_forked()
    if raster_threads is not None:
        if raster_threads < 0:
            raise ValueError(f"raster_threads must be ≥ 0 or None, got {raster_threads}")
        os.environ["LP_NUM_THREADS"] = str(raster_threads)
    try:
        context = moderngl.create_context(
            standalone=True, backend="egl", require=REQUIRED_GL_VERSION
        )
    except Exception as error:
        raise RendererUnavailableError(
            f"could not create a headless OpenGL {REQUIRED_GL_VERSION // 100}."
            f"{REQUIRED_GL_VERSION % 100 // 10} context through EGL ({error}). "
            f"On Debian/Ubuntu install: apt-get install {APT_PACKAGES}"
        ) from error
    _driver_pid = os.getpid()
    return context
