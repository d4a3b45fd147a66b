using System;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Protocol;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    /// <summary>The camera-to-Unity conversion is one reflection applied consistently: converting then rotating equals rotating then converting.</summary>
    [TestFixture]
    public class CoordinateTests
    {
        [Test]
        public void PositionsFlipY()
        {
            Vec3 p = UnityFrame.Position(0.1f, 0.2f, 0.5f);
            Assert.AreEqual(new[] { 0.1f, -0.2f, 0.5f }, new[] { p.X, p.Y, p.Z });
        }

        [Test]
        public void ConvertedRotationsRotateConvertedVectorsIntoConvertedResults()
        {
            var random = new Random(3);
            for (int trial = 0; trial < 200; trial++)
            {
                Quat q = new Quat(Next(random), Next(random), Next(random), Next(random)).Normalized();
                var v = new Vec3(Next(random), Next(random), Next(random));
                Vec3 rotatedThenConverted = Convert(q.Rotate(v));
                Vec3 convertedThenRotated = UnityFrame.Rotation(q.X, q.Y, q.Z, q.W).Rotate(Convert(v));
                Assert.Less(Vec3.Distance(rotatedThenConverted, convertedThenRotated), 1e-5f);
            }
        }

        [Test]
        public void ConvertedBindPosesStillMapEachRestJointToTheOrigin()
        {
            var rig = (Rig)MessageDecoder.Decode(TestVectors.Read("rig"));
            foreach (bool mirrored in new[] { false, true })
            {
                RigGeometry geometry = RigGeometry.FromRig(rig, mirrored);
                for (int j = 0; j < Skeleton.JointCount; j++)
                {
                    Vec3 mapped = Transform(geometry.BindPoses[j], geometry.RestJoints[j]);
                    Assert.Less(mapped.Length, 1e-6f, "joint " + j + (mirrored ? " (mirrored)" : ""));
                }
            }
        }

        [Test]
        public void OneReflectionReversesTheWindingAndTwoKeepIt()
        {
            // The right hand is reflected once (wire to Unity), the left hand twice (and across x).
            var rig = (Rig)MessageDecoder.Decode(TestVectors.Read("rig"));
            int[] wire = rig.Faces.ToInts();
            int[] right = RigGeometry.FromRig(rig, false).Triangles;
            int[] left = RigGeometry.FromRig(rig, true).Triangles;
            CollectionAssert.AreEqual(wire, left);
            for (int t = 0; t < wire.Length; t += 3)
                CollectionAssert.AreEqual(new[] { wire[t], wire[t + 2], wire[t + 1] }, new[] { right[t], right[t + 1], right[t + 2] });
        }

        [Test]
        public void RestPoseKinematicsReproduceTheRestJoints()
        {
            var rig = (Rig)MessageDecoder.Decode(TestVectors.Read("rig"));
            RigGeometry geometry = RigGeometry.FromRig(rig, false);
            var pose = new HandPose { WristPosition = geometry.RestJoints[0], WristRotation = Quat.Identity };
            for (int j = 0; j < pose.LocalRotations.Length; j++) pose.LocalRotations[j] = Quat.Identity;
            var positions = new Vec3[Skeleton.JointCount];
            var rotations = new Quat[Skeleton.JointCount];
            HandKinematics.Pose(geometry, pose, positions, rotations);
            for (int j = 0; j < Skeleton.JointCount; j++) Assert.Less(Vec3.Distance(positions[j], geometry.RestJoints[j]), 1e-6f);
        }

        [Test]
        public void FingerBonesReachTheNextKeypointOfTheirFinger()
        {
            var rig = (Rig)MessageDecoder.Decode(TestVectors.Read("rig"));
            RigGeometry geometry = RigGeometry.FromRig(rig, false);
            Assert.Less(Vec3.Distance(geometry.RestJoints[1] + geometry.BoneSegment(1), geometry.RestJoints[2]), 1e-6f);
            Assert.Less(Vec3.Distance(geometry.RestJoints[15] + geometry.BoneSegment(15), geometry.RestKeypoints[20]), 1e-6f);
        }

        static Vec3 Convert(Vec3 v)
        {
            return UnityFrame.Position(v.X, v.Y, v.Z);
        }

        static Vec3 Transform(float[] m, Vec3 p)
        {
            return new Vec3(m[0] * p.X + m[1] * p.Y + m[2] * p.Z + m[3], m[4] * p.X + m[5] * p.Y + m[6] * p.Z + m[7],
                m[8] * p.X + m[9] * p.Y + m[10] * p.Z + m[11]);
        }

        static float Next(Random random)
        {
            return (float)(random.NextDouble() * 2 - 1);
        }
    }
}
