using System.Collections.Generic;
using System.IO;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Probe
{
    /// <summary>
    /// convert --rig RIG.msgpack --hands HANDS.msgpack: the rig and every hand converted to
    /// Unity's frame, and each hand's joints posed by forward kinematics, for pytest to
    /// compare with its reference conversion.
    /// </summary>
    public static class CoordinateProbe
    {
        public static int Convert(string[] args)
        {
            Dictionary<string, string> options = ProbeMain.Options(args);
            var rig = (Rig)MessageDecoder.Decode(File.ReadAllBytes(options["rig"]));
            var hands = (Hands)MessageDecoder.Decode(File.ReadAllBytes(options["hands"]));
            foreach (bool mirrored in new[] { false, true })
            {
                RigGeometry geometry = RigGeometry.FromRig(rig, mirrored);
                ProbeMain.Emit(new JsonObject().With("rig_mirrored", mirrored)
                    .With("vertices", Points(geometry.Vertices)).With("triangles", geometry.Triangles)
                    .With("bind_poses", geometry.BindPoses).With("rest_local_positions", Points(geometry.RestLocalPositions)));
            }
            foreach (Hand hand in hands.HandList)
            {
                HandPose pose = HandPose.FromMessage(hand);
                RigGeometry geometry = RigGeometry.FromRig(rig, pose.IsLeft);
                var positions = new Vec3[Skeleton.JointCount];
                var rotations = new Quat[Skeleton.JointCount];
                HandKinematics.Pose(geometry, pose, positions, rotations);
                var local = new List<float[]>();
                foreach (Quat q in pose.LocalRotations) local.Add(Quaternion(q));
                ProbeMain.Emit(new JsonObject().With("side", hand.Side)
                    .With("wrist_position", Point(pose.WristPosition)).With("wrist_rotation", Quaternion(pose.WristRotation))
                    .With("local_rotations", local).With("keypoints", Points(pose.Keypoints))
                    .With("vertices", pose.Vertices == null ? null : Points(pose.Vertices))
                    .With("joint_positions", Points(positions)));
            }
            return 0;
        }

        static float[] Point(Vec3 p)
        {
            return new[] { p.X, p.Y, p.Z };
        }

        static List<float[]> Points(Vec3[] points)
        {
            var list = new List<float[]>(points.Length);
            foreach (Vec3 p in points) list.Add(Point(p));
            return list;
        }

        static float[] Quaternion(Quat q)
        {
            return new[] { q.X, q.Y, q.Z, q.W };
        }
    }
}
