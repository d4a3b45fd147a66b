using System;
using System.Diagnostics;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>
    /// The engine's clock for capture, receive and apply times: Unix-epoch nanoseconds, like
    /// Python's time.time_ns() that the camera client stamps frames with, so capture-to-apply
    /// latency is a plain subtraction on one machine. Anchored once to the wall clock, then
    /// advanced by a Stopwatch, so it never jumps backwards when the wall clock is adjusted.
    /// </summary>
    public static class EngineClock
    {
        static readonly long EpochAtStartNs = (DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Ticks * 100;
        static readonly Stopwatch SinceStart = Stopwatch.StartNew();

        public static long NowNs()
        {
            return EpochAtStartNs + (long)(SinceStart.ElapsedTicks * (1e9 / Stopwatch.Frequency));
        }
    }
}
