using System;
using HandMesh.Client.Core.Coordinates;

namespace HandMesh.Client.Core.Game
{
    /// <summary>
    /// A target's scoring volume in hand space: an axis-aligned box with its points. The
    /// engine layer asks it whether an object let go is inside (a delivery) or not (a drop).
    /// </summary>
    public sealed class TargetZone
    {
        public readonly int Id;
        public readonly int Points;
        public readonly Vec3 Center;
        public readonly Vec3 Size;

        public TargetZone(int id, int points, Vec3 center, Vec3 size)
        {
            if (size.X <= 0 || size.Y <= 0 || size.Z <= 0) throw new ArgumentOutOfRangeException("size", "a target zone needs a positive size");
            Id = id;
            Points = points;
            Center = center;
            Size = size;
        }

        /// <summary>Whether <paramref name="point"/> (hand space) is inside the box, faces included.</summary>
        public bool Contains(Vec3 point)
        {
            return Math.Abs(point.X - Center.X) <= Size.X / 2
                && Math.Abs(point.Y - Center.Y) <= Size.Y / 2
                && Math.Abs(point.Z - Center.Z) <= Size.Z / 2;
        }
    }
}
