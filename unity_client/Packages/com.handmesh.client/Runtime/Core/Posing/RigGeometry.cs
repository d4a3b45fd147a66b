using System.Collections.Generic;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Posing
{
    /// <summary>
    /// A <c>rig</c> message in Unity's frame, as the arrays a SkinnedMeshRenderer takes:
    /// vertices, triangles (Unity's clockwise front faces), four bone indices and weights per
    /// vertex, one bind pose per bone (row-major 4×4), and each bone's rest position relative
    /// to its parent. Each reflection of the vertices turns the faces inside out: the right
    /// hand has one (the wire-to-Unity change) and gets its winding reversed;
    /// <see cref="Mirrored"/>, the left hand, has a second one (across x) that turns them back.
    /// </summary>
    public sealed class RigGeometry
    {
        public string RigId;
        public bool Mirrored;
        public Vec3[] Vertices;
        public int[] Triangles;
        public int[] BoneIndices;   // 4 per vertex, strongest first
        public float[] BoneWeights; // 4 per vertex
        public float[][] BindPoses; // 16 joints × row-major 4×4
        public Vec3[] RestJoints;   // 16, hand model frame converted
        public Vec3[] RestLocalPositions; // 16, relative to the parent joint (the wrist: its own rest position)
        public int[] Parents;
        public List<string> JointNames;
        public int[] TipVertices;   // thumb to little
        public Vec3[] RestKeypoints; // 21, hand model frame converted

        public static RigGeometry FromRig(Rig rig, bool mirrored)
        {
            var geometry = new RigGeometry
            {
                RigId = rig.RigId,
                Mirrored = mirrored,
                Vertices = Points(rig.Vertices.ToFloats(), mirrored),
                Triangles = rig.Faces.ToInts(),
                BoneIndices = rig.SkinIndices.ToInts(),
                BoneWeights = rig.SkinWeights.ToFloats(),
                RestJoints = Points(rig.RestJoints.ToFloats(), mirrored),
                Parents = (int[])Skeleton.JointParents.Clone(),
                JointNames = new List<string>(rig.JointNames),
                TipVertices = rig.TipVertices.ToInts(),
                RestKeypoints = Points(rig.RestKeypoints.ToFloats(), mirrored),
            };
            if (!mirrored) ReverseWinding(geometry.Triangles);
            float[] bind = rig.BindPoses.ToFloats();
            geometry.BindPoses = new float[Skeleton.JointCount][];
            geometry.RestLocalPositions = new Vec3[Skeleton.JointCount];
            for (int j = 0; j < Skeleton.JointCount; j++)
            {
                float[] pose = UnityFrame.Matrix(bind, j * 16);
                geometry.BindPoses[j] = mirrored ? UnityFrame.MirrorXMatrix(pose) : pose;
                int parent = Skeleton.JointParents[j];
                geometry.RestLocalPositions[j] = parent < 0 ? geometry.RestJoints[j] : geometry.RestJoints[j] - geometry.RestJoints[parent];
            }
            return geometry;
        }

        /// <summary>
        /// The bone from joint <paramref name="joint"/> (≥ 1) to the next keypoint of its
        /// finger, in the joint's own frame at rest (rest rotations are the identity, so this
        /// is also the rest offset): where a finger collider goes.
        /// </summary>
        public Vec3 BoneSegment(int joint)
        {
            int keypoint = Skeleton.ArticulatedKeypoints[joint];
            return RestKeypoints[keypoint + 1] - RestJoints[joint];
        }

        static Vec3[] Points(float[] xyz, bool mirrored)
        {
            var points = new Vec3[xyz.Length / 3];
            for (int i = 0; i < points.Length; i++)
            {
                Vec3 point = UnityFrame.Position(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
                points[i] = mirrored ? UnityFrame.MirrorX(point) : point;
            }
            return points;
        }

        static void ReverseWinding(int[] triangles)
        {
            for (int t = 0; t + 2 < triangles.Length; t += 3)
            {
                int second = triangles[t + 1];
                triangles[t + 1] = triangles[t + 2];
                triangles[t + 2] = second;
            }
        }
    }
}
