using System;

namespace HandMesh.Client.Core.Coordinates
{
    /// <summary>
    /// A unit quaternion (x, y, z, w), Hamilton convention, rotating vectors as v' = q v q*.
    /// The same algebra as UnityEngine.Quaternion, so values copy across unchanged.
    /// </summary>
    public struct Quat
    {
        public float X, Y, Z, W;

        public Quat(float x, float y, float z, float w)
        {
            X = x;
            Y = y;
            Z = z;
            W = w;
        }

        public static readonly Quat Identity = new Quat(0, 0, 0, 1);

        /// <summary>The rotation <paramref name="b"/> followed by <paramref name="a"/>.</summary>
        public static Quat operator *(Quat a, Quat b)
        {
            return new Quat(
                a.W * b.X + a.X * b.W + a.Y * b.Z - a.Z * b.Y,
                a.W * b.Y - a.X * b.Z + a.Y * b.W + a.Z * b.X,
                a.W * b.Z + a.X * b.Y - a.Y * b.X + a.Z * b.W,
                a.W * b.W - a.X * b.X - a.Y * b.Y - a.Z * b.Z);
        }

        public Vec3 Rotate(Vec3 v)
        {
            // v' = v + 2w (u × v) + 2 u × (u × v), u = (x, y, z)
            float cx = Y * v.Z - Z * v.Y, cy = Z * v.X - X * v.Z, cz = X * v.Y - Y * v.X;
            float ccx = Y * cz - Z * cy, ccy = Z * cx - X * cz, ccz = X * cy - Y * cx;
            return new Vec3(v.X + 2 * (W * cx + ccx), v.Y + 2 * (W * cy + ccy), v.Z + 2 * (W * cz + ccz));
        }

        public static float Dot(Quat a, Quat b)
        {
            return a.X * b.X + a.Y * b.Y + a.Z * b.Z + a.W * b.W;
        }

        /// <summary>This rotation scaled to unit length; identity for a zero quaternion (a sender's degenerate value).</summary>
        public Quat Normalized()
        {
            float length = (float)Math.Sqrt(Dot(this, this));
            if (length < 1e-12f) return Identity;
            return new Quat(X / length, Y / length, Z / length, W / length);
        }

        /// <summary>
        /// Spherical interpolation along the shorter arc; <paramref name="t"/> outside [0, 1]
        /// extrapolates along the same great circle.
        /// </summary>
        public static Quat Slerp(Quat a, Quat b, float t)
        {
            float cos = Dot(a, b);
            if (cos < 0)
            {
                b = new Quat(-b.X, -b.Y, -b.Z, -b.W);
                cos = -cos;
            }
            float wa, wb;
            if (cos > 0.9995f)
            {
                wa = 1 - t; // nearly parallel: linear blend, renormalised below
                wb = t;
            }
            else
            {
                double angle = Math.Acos(Math.Min(1.0, cos));
                double sin = Math.Sin(angle);
                wa = (float)(Math.Sin((1 - t) * angle) / sin);
                wb = (float)(Math.Sin(t * angle) / sin);
            }
            return new Quat(wa * a.X + wb * b.X, wa * a.Y + wb * b.Y, wa * a.Z + wb * b.Z, wa * a.W + wb * b.W).Normalized();
        }

        public override string ToString()
        {
            return string.Format("({0}, {1}, {2}, {3})", X, Y, Z, W);
        }
    }
}
