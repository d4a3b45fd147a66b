namespace HandMesh.Client.Core.Coordinates
{
    /// <summary>
    /// The one place where the wire's camera frame becomes Unity's (DESIGN.md, Conventions).
    ///
    /// The wire uses OpenCV's camera frame: right-handed, x right, y down, z forward. Unity is
    /// left-handed, x right, y up, z forward. The change is the reflection S = diag(1, −1, 1):
    /// a position p becomes S p; a rotation matrix R becomes S R S, which for a quaternion
    /// (x, y, z, w) is (−x, y, −z, w) — the rotation axis is a pseudo-vector, so it maps to
    /// −S·axis while the angle stays. Matrices (bind poses) become S M S. A reflection moves
    /// no vertex relative to another, so a face whose cross product (b−a)×(c−a) pointed
    /// outward on the wire points inward after it; Unity shows the side that cross product
    /// points to, so a converted mesh needs its winding reversed (RigGeometry does it).
    ///
    /// A left hand is the right-hand rig mirrored across x: the server sends a left hand's
    /// rotations for that mirrored rig, so only the rig is mirrored here (<see cref="MirrorX"/>,
    /// <see cref="MirrorXMatrix"/>).
    /// </summary>
    public static class UnityFrame
    {
        public static Vec3 Position(float x, float y, float z)
        {
            return new Vec3(x, -y, z);
        }

        public static Quat Rotation(float x, float y, float z, float w)
        {
            return new Quat(-x, y, -z, w);
        }

        /// <summary>A row-major 4×4 affine matrix (16 floats) as S M S.</summary>
        public static float[] Matrix(float[] rowMajor, int offset = 0)
        {
            var converted = new float[16];
            for (int row = 0; row < 4; row++)
            {
                for (int column = 0; column < 4; column++)
                {
                    float sign = (row == 1) == (column == 1) ? 1f : -1f;
                    converted[row * 4 + column] = rowMajor[offset + row * 4 + column] * sign;
                }
            }
            return converted;
        }

        /// <summary>A point reflected across the x = 0 plane (a right hand into a left hand).</summary>
        public static Vec3 MirrorX(Vec3 p)
        {
            return new Vec3(-p.X, p.Y, p.Z);
        }

        /// <summary>A row-major 4×4 affine matrix reflected across x on both sides: M_x M M_x.</summary>
        public static float[] MirrorXMatrix(float[] rowMajor)
        {
            var mirrored = new float[16];
            for (int row = 0; row < 4; row++)
            {
                for (int column = 0; column < 4; column++)
                {
                    float sign = (row == 0) == (column == 0) ? 1f : -1f;
                    mirrored[row * 4 + column] = rowMajor[row * 4 + column] * sign;
                }
            }
            return mirrored;
        }
    }
}
