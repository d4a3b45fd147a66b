using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Posing
{
    /// <summary>
    /// Pinch (thumb tip to index tip) with hysteresis: it closes under
    /// <see cref="CloseBelowM"/> and opens only above <see cref="OpenAboveM"/>, so a pinch
    /// held near the threshold does not flicker between grab and drop at the stream's rate.
    /// </summary>
    public sealed class PinchDetector
    {
        public float CloseBelowM = 0.025f;
        public float OpenAboveM = 0.045f;

        public bool IsPinching { get; private set; }

        /// <summary>Midway between the two fingertips, where a pinched object is held.</summary>
        public Vec3 PinchPoint { get; private set; }

        /// <summary>Updates from one pose; returns whether the pinch state changed. A missing hand opens the pinch.</summary>
        public bool Update(HandPose pose)
        {
            bool was = IsPinching;
            if (pose == null)
            {
                IsPinching = false;
                return was;
            }
            Vec3 thumb = pose.Keypoints[Skeleton.ThumbTip], index = pose.Keypoints[Skeleton.IndexTip];
            PinchPoint = Vec3.Lerp(thumb, index, 0.5f);
            float gap = Vec3.Distance(thumb, index);
            if (IsPinching && gap > OpenAboveM) IsPinching = false;
            else if (!IsPinching && gap < CloseBelowM) IsPinching = true;
            return was != IsPinching;
        }
    }
}
