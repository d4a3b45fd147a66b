"""GLSL programs of the renderer's two passes (see model.render.renderer).

``SURFACE_*`` runs once per pixel, at its centre, into three targets: the lit colour, the
visible face's index plus one (gl_PrimitiveID is the triangle's position in the index
buffer; the +1 lets all targets be cleared to 0, as moderngl clears every attachment with
one float value and an integer target cannot take -1 that way) and the camera depth z in
meters (1 / gl_FragCoord.w, which is exactly the clip w = z of the surface point on the
pixel's ray). ``COVERAGE_*`` writes 1 into every covered sample of a
multisampled target; its shader is trivial because llvmpipe runs fragment shaders once per
*sample*, which would make shading under MSAA cost samples× as much.
"""

from __future__ import annotations

from model.render.lighting import MAX_LIGHTS

SURFACE_VERTEX = """
#version 330 core
uniform mat4 clip_from_camera;
in vec3 in_position;  // camera frame, m
in vec3 in_normal;    // camera frame, unit (or zero)
in vec3 in_albedo;    // linear RGB
out vec3 v_position;
out vec3 v_normal;
out vec3 v_albedo;
void main() {
    v_position = in_position;
    v_normal = in_normal;
    v_albedo = in_albedo;
    gl_Position = clip_from_camera * vec4(in_position, 1.0);
}
"""

SURFACE_FRAGMENT = f"""
#version 330 core
#define MAX_LIGHTS {MAX_LIGHTS}
uniform int light_count;
uniform vec3 light_dirs[MAX_LIGHTS];    // unit, toward the light, camera frame
uniform vec3 light_colors[MAX_LIGHTS];  // linear RGB
uniform vec3 ambient;                   // linear RGB
uniform float specular;
uniform float shininess;
uniform bool encode_srgb;
in vec3 v_position;
in vec3 v_normal;
in vec3 v_albedo;
layout(location = 0) out vec3 out_color;
layout(location = 1) out int out_face;
layout(location = 2) out float out_depth;

vec3 linear_to_srgb(vec3 c) {{
    return mix(12.92 * c, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}}

void main() {{
    float length_n = length(v_normal);
    vec3 n = length_n > 0.0 ? v_normal / length_n : vec3(0.0);
    vec3 to_camera = normalize(-v_position);
    vec3 diffuse = ambient;
    vec3 highlight = vec3(0.0);
    for (int i = 0; i < light_count; ++i) {{
        float n_dot_l = max(dot(n, light_dirs[i]), 0.0);
        diffuse += light_colors[i] * n_dot_l;
        if (n_dot_l > 0.0 && specular > 0.0) {{
            vec3 half_vector = normalize(light_dirs[i] + to_camera);
            highlight += light_colors[i] * pow(max(dot(n, half_vector), 0.0), shininess);
        }}
    }}
    vec3 color = clamp(v_albedo * diffuse + specular * highlight, 0.0, 1.0);
    out_color = encode_srgb ? linear_to_srgb(color) : color;
    out_face = gl_PrimitiveID + 1;
    out_depth = 1.0 / gl_FragCoord.w;
}}
"""

COVERAGE_VERTEX = """
#version 330 core
uniform mat4 clip_from_camera;
in vec3 in_position;  // camera frame, m
void main() {
    gl_Position = clip_from_camera * vec4(in_position, 1.0);
}
"""

COVERAGE_FRAGMENT = """
#version 330 core
layout(location = 0) out float out_covered;
void main() {
    out_covered = 1.0;
}
"""
