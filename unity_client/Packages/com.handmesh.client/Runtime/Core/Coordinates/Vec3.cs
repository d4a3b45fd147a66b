using System;

namespace HandMesh.Client.Core.Coordinates
{
    /// <summary>A 3D vector for the engine-free core (the engine layer copies it into a UnityEngine.Vector3).</summary>
    public struct Vec3
    {
        public float X, Y, Z;

        public Vec3(float x, float y, float z)
        {
            X = x;
            Y = y;
            Z = z;
        }

        public static Vec3 operator +(Vec3 a, Vec3 b) { return new Vec3(a.X + b.X, a.Y + b.Y, a.Z + b.Z); }
        public static Vec3 operator -(Vec3 a, Vec3 b) { return new Vec3(a.X - b.X, a.Y - b.Y, a.Z - b.Z); }
        public static Vec3 operator *(Vec3 a, float s) { return new Vec3(a.X * s, a.Y * s, a.Z * s); }

        public float Length
        {
            get { return (float)Math.Sqrt(X * X + Y * Y + Z * Z); }
        }

        public static float Distance(Vec3 a, Vec3 b)
        {
            return (a - b).Length;
        }

        public static Vec3 Lerp(Vec3 a, Vec3 b, float t)
        {
            return a + (b - a) * t;
        }

        public override string ToString()
        {
            return string.Format("({0}, {1}, {2})", X, Y, Z);
        }
    }
}
