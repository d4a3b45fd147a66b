namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// The hand skeleton as the wire sees it (PROTOCOL.md §3): 21 keypoints in FreiHAND order
    /// (0 wrist; thumb 1–4, index 5–8, middle 9–12, ring 13–16, little 17–20, base to tip)
    /// and 16 articulated joints (the wrist and the first three keypoints of each finger).
    /// </summary>
    public static class Skeleton
    {
        public const int KeypointCount = 21;
        public const int JointCount = 16;
        public const int LocalRotationCount = JointCount - 1;
        public const int FingerCount = 5;

        /// <summary>The keypoint of each articulated joint.</summary>
        public static readonly int[] ArticulatedKeypoints = { 0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19 };

        /// <summary>Each joint's parent joint; the wrist is the root, each finger a chain of three.</summary>
        public static readonly int[] JointParents = { -1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 0, 10, 11, 0, 13, 14 };

        public const int ThumbTip = 4;
        public const int IndexTip = 8;
    }
}
