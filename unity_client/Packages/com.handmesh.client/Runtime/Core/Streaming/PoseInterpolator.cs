using System;
using HandMesh.Client.Core.Posing;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>How the shown pose relates to the received ones when the render rate and the stream rate differ.</summary>
    public enum SmoothingMode
    {
        /// <summary>The newest pose as it is: lowest latency, steps at the stream rate.</summary>
        Latest,

        /// <summary>Blends the last two poses, shown one stream interval late: smooth, adds one interval of latency.</summary>
        Interpolate,

        /// <summary>Continues the motion of the last two poses past the newest, up to a cap: smooth-ish, no added latency, overshoots on sudden stops.</summary>
        Extrapolate,
    }

    /// <summary>
    /// One hand's pose at render time from the poses received at the stream's rate (main
    /// thread). Poses are placed on a timeline by their receive time on our clock, and the
    /// stream interval is a running average of the gaps, so neither the camera's clock nor
    /// the render rate needs to be known. A hand not seen for <see cref="StaleAfterNs"/>
    /// is gone (null).
    /// </summary>
    public sealed class PoseInterpolator
    {
        public SmoothingMode Mode = SmoothingMode.Interpolate;

        /// <summary>How far past the newest pose extrapolation may go, in stream intervals.</summary>
        public float MaxExtrapolation = 0.5f;

        public long StaleAfterNs = 500000000;

        HandPose previous, latest;
        long previousNs, latestNs;
        double intervalNs;

        /// <summary>The running average gap between received poses, ms; 0 before two have arrived.</summary>
        public double StreamIntervalMs
        {
            get { return intervalNs / 1e6; }
        }

        /// <summary>A newly received pose (null: the hand is not in this result).</summary>
        public void Push(HandPose pose, long receiveNs)
        {
            if (pose == null)
            {
                previous = latest = null;
                return;
            }
            if (latest != null && receiveNs > latestNs)
            {
                double gap = receiveNs - latestNs;
                intervalNs = intervalNs == 0 ? gap : 0.9 * intervalNs + 0.1 * gap;
            }
            bool continues = latest != null && latest.IsLeft == pose.IsLeft && receiveNs > latestNs;
            previous = continues ? latest : null;
            previousNs = latestNs;
            latest = pose;
            latestNs = receiveNs;
        }

        /// <summary>The pose to show at <paramref name="nowNs"/>, or null when there is none (or it is stale).</summary>
        public HandPose Sample(long nowNs)
        {
            if (latest == null || nowNs - latestNs > StaleAfterNs) return null;
            if (previous == null || Mode == SmoothingMode.Latest) return latest;
            double span = latestNs - previousNs;
            double t;
            if (Mode == SmoothingMode.Interpolate)
                t = Math.Max(0, Math.Min(1, (nowNs - intervalNs - previousNs) / span));
            else
                t = 1 + Math.Max(0, Math.Min(MaxExtrapolation, (nowNs - latestNs) / span));
            return HandPose.Blend(previous, latest, (float)t);
        }
    }
}
