using HandMesh.Client.Core.Coordinates;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// Copies the core's values into Unity types. No arithmetic happens here: the core has
    /// already converted every value to Unity's frame (Core.Coordinates.UnityFrame).
    /// </summary>
    public static class UnityConversions
    {
        public static Vector3 ToVector3(this Vec3 v)
        {
            return new Vector3(v.X, v.Y, v.Z);
        }

        public static Quaternion ToQuaternion(this Quat q)
        {
            return new Quaternion(q.X, q.Y, q.Z, q.W);
        }

        /// <summary>A row-major 4×4 (16 floats) as a Matrix4x4 (whose indexer is [row, column]).</summary>
        public static Matrix4x4 ToMatrix(float[] rowMajor)
        {
            var matrix = new Matrix4x4();
            for (int row = 0; row < 4; row++)
            {
                for (int column = 0; column < 4; column++) matrix[row, column] = rowMajor[row * 4 + column];
            }
            return matrix;
        }

        public static void CopyTo(Vec3[] source, Vector3[] target)
        {
            for (int i = 0; i < source.Length; i++) target[i] = source[i].ToVector3();
        }
    }
}
