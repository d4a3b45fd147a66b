using System;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// The HandPlayer agent's continuous action: the pose of a protocol <c>hand</c>, in the
    /// wire's camera frame — wrist position (3, m), wrist rotation (4, x y z w), then the 15
    /// local rotations of joints 1..15 (4 each). server/game/actions.py derives the same
    /// offsets from the protocol's tables; a test compares the two.
    /// </summary>
    public static class ActionLayout
    {
        public const int WristPosition = 0;
        public const int WristRotation = 3;
        public const int LocalRotations = 7;
        public const int Size = LocalRotations + 4 * Skeleton.LocalRotationCount;

        /// <summary>
        /// The pose an action describes, in Unity's frame, with its 21 keypoints from forward
        /// kinematics on <paramref name="rig"/> (so the pinch works as with a streamed hand).
        /// </summary>
        public static HandPose ToHandPose(float[] action, RigGeometry rig)
        {
            if (action == null || action.Length != Size)
                throw new ArgumentException(string.Format("a hand action has {0} values, got {1}", Size, action == null ? 0 : action.Length));
            for (int i = 0; i < Size; i++)
            {
                if (float.IsNaN(action[i]) || float.IsInfinity(action[i])) throw new ArgumentException("a hand action must be finite");
            }
            var pose = new HandPose { Score = 1f };
            pose.WristPosition = UnityFrame.Position(action[WristPosition], action[WristPosition + 1], action[WristPosition + 2]);
            pose.WristRotation = RotationAt(action, WristRotation);
            for (int j = 0; j < Skeleton.LocalRotationCount; j++) pose.LocalRotations[j] = RotationAt(action, LocalRotations + 4 * j);
            var positions = new Vec3[Skeleton.JointCount];
            var rotations = new Quat[Skeleton.JointCount];
            HandKinematics.Pose(rig, pose, positions, rotations);
            for (int j = 0; j < Skeleton.JointCount; j++) pose.Keypoints[Skeleton.ArticulatedKeypoints[j]] = positions[j];
            for (int finger = 0; finger < Skeleton.FingerCount; finger++)
            {
                int last = 3 * finger + 3, tip = 4 * finger + 4;
                pose.Keypoints[tip] = positions[last] + rotations[last].Rotate(rig.RestKeypoints[tip] - rig.RestJoints[last]);
            }
            return pose;
        }

        static Quat RotationAt(float[] action, int offset)
        {
            return UnityFrame.Rotation(action[offset], action[offset + 1], action[offset + 2], action[offset + 3]).Normalized();
        }
    }
}
