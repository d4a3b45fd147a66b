using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Posing
{
    /// <summary>
    /// One hand of a <c>hands</c> message in Unity's frame (still camera-relative, meters):
    /// the wrist's position and rotation, the 15 local joint rotations (rest-relative, in
    /// the parent's frame), the 21 keypoints, and the network's own mesh as absolute vertex
    /// positions when the message carried vertices.
    /// </summary>
    public sealed class HandPose
    {
        public bool IsLeft;
        public float Score;
        public Vec3 WristPosition;
        public Quat WristRotation;
        public Quat[] LocalRotations = new Quat[Skeleton.LocalRotationCount];
        public Vec3[] Keypoints = new Vec3[Skeleton.KeypointCount];
        public Vec3[] Vertices; // null when the message had none

        public static HandPose FromMessage(Hand hand)
        {
            var pose = new HandPose { IsLeft = hand.Side == "left", Score = (float)hand.Score };
            float[] wrist = hand.WristPosition.ToFloats();
            pose.WristPosition = UnityFrame.Position(wrist[0], wrist[1], wrist[2]);
            pose.WristRotation = RotationAt(hand.WristRotation.ToFloats(), 0);
            float[] local = hand.LocalRotations.ToFloats();
            for (int j = 0; j < Skeleton.LocalRotationCount; j++) pose.LocalRotations[j] = RotationAt(local, j);
            float[] joints = hand.Joints.ToFloats();
            for (int k = 0; k < Skeleton.KeypointCount; k++)
                pose.Keypoints[k] = UnityFrame.Position(joints[3 * k], joints[3 * k + 1], joints[3 * k + 2]);
            if (hand.Vertices != null)
            {
                float[] relative = hand.Vertices.ToFloats();
                pose.Vertices = new Vec3[relative.Length / 3];
                for (int v = 0; v < pose.Vertices.Length; v++)
                    pose.Vertices[v] = pose.WristPosition + UnityFrame.Position(relative[3 * v], relative[3 * v + 1], relative[3 * v + 2]);
            }
            return pose;
        }

        /// <summary>The most confident hand of one side in a result, or null when it has none.</summary>
        public static HandPose BestOfSide(Hands hands, bool left)
        {
            Hand best = null;
            foreach (Hand hand in hands.HandList)
            {
                if ((hand.Side == "left") == left && (best == null || hand.Score > best.Score)) best = hand;
            }
            return best == null ? null : FromMessage(best);
        }

        /// <summary>
        /// The pose a fraction <paramref name="t"/> of the way from <paramref name="a"/> to
        /// <paramref name="b"/> (t &gt; 1 extrapolates): positions linearly, rotations along the
        /// shorter great circle. Vertices blend when both poses have the same mesh; else b's.
        /// </summary>
        public static HandPose Blend(HandPose a, HandPose b, float t)
        {
            var pose = new HandPose
            {
                IsLeft = b.IsLeft,
                Score = b.Score,
                WristPosition = Vec3.Lerp(a.WristPosition, b.WristPosition, t),
                WristRotation = Quat.Slerp(a.WristRotation, b.WristRotation, t),
            };
            for (int j = 0; j < Skeleton.LocalRotationCount; j++) pose.LocalRotations[j] = Quat.Slerp(a.LocalRotations[j], b.LocalRotations[j], t);
            for (int k = 0; k < Skeleton.KeypointCount; k++) pose.Keypoints[k] = Vec3.Lerp(a.Keypoints[k], b.Keypoints[k], t);
            if (b.Vertices != null && a.Vertices != null && a.Vertices.Length == b.Vertices.Length)
            {
                pose.Vertices = new Vec3[b.Vertices.Length];
                for (int v = 0; v < pose.Vertices.Length; v++) pose.Vertices[v] = Vec3.Lerp(a.Vertices[v], b.Vertices[v], t);
            }
            else pose.Vertices = b.Vertices;
            return pose;
        }

        static Quat RotationAt(float[] xyzw, int index)
        {
            int o = index * 4;
            return UnityFrame.Rotation(xyzw[o], xyzw[o + 1], xyzw[o + 2], xyzw[o + 3]).Normalized();
        }
    }
}
