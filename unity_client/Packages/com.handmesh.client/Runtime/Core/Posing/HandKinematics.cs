using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Posing
{
    /// <summary>
    /// Forward kinematics of PROTOCOL.md §3 in Unity's frame: T_0 = [R(wr) | wp],
    /// T_j = T_parent · [R(lr_j) | rj_j − rj_parent]. The engine layer gets the same result
    /// from its bone hierarchy; this engine-free copy is what the tests compare with the
    /// Python reference, and what colliders and pinch detection can use without bones.
    /// </summary>
    public static class HandKinematics
    {
        /// <summary>Each joint's position and rotation, camera-relative, Unity frame.</summary>
        public static void Pose(RigGeometry rig, HandPose pose, Vec3[] positions, Quat[] rotations)
        {
            positions[0] = pose.WristPosition;
            rotations[0] = pose.WristRotation;
            for (int j = 1; j < Skeleton.JointCount; j++)
            {
                int parent = rig.Parents[j];
                rotations[j] = rotations[parent] * pose.LocalRotations[j - 1];
                positions[j] = positions[parent] + rotations[parent].Rotate(rig.RestLocalPositions[j]);
            }
        }
    }
}
