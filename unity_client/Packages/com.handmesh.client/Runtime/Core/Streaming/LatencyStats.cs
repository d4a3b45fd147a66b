namespace HandMesh.Client.Core.Streaming
{
    /// <summary>
    /// What the latency HUD shows, kept on the main thread: end-to-end latency (capture →
    /// applied in the scene) and network-side latency (capture → received), rolling p50/p95
    /// in milliseconds, and the results dropped in the engine (newer ones arrived first).
    ///
    /// Capture times are the camera's clock; they are comparable with ours when the camera
    /// runs on this machine (Unity's webcam sender, `handmesh camera`). A replayed recording
    /// carries its old capture times: samples outside [0, <see cref="MaxPlausibleMs"/>] are
    /// counted as <see cref="Implausible"/> and kept out of the percentiles.
    /// </summary>
    public sealed class LatencyStats
    {
        public const double MaxPlausibleMs = 10000;

        readonly RollingPercentiles endToEndMs;
        readonly RollingPercentiles receiveMs;

        public LatencyStats(int window = 256)
        {
            endToEndMs = new RollingPercentiles(window);
            receiveMs = new RollingPercentiles(window);
        }

        public long Applied { get; private set; }
        public long Dropped { get; private set; }
        public long Implausible { get; private set; }

        /// <summary>One result applied to the scene; <paramref name="skipped"/> newer-wins drops before it.</summary>
        public void Record(long tCaptureNs, long tReceiveNs, long tApplyNs, int skipped)
        {
            Applied++;
            Dropped += skipped;
            double endToEnd = (tApplyNs - tCaptureNs) / 1e6;
            if (endToEnd < 0 || endToEnd > MaxPlausibleMs)
            {
                Implausible++;
                return;
            }
            endToEndMs.Add(endToEnd);
            receiveMs.Add((tReceiveNs - tCaptureNs) / 1e6);
        }

        public double EndToEndP50Ms { get { return endToEndMs.Percentile(50); } }
        public double EndToEndP95Ms { get { return endToEndMs.Percentile(95); } }
        public double ReceiveP50Ms { get { return receiveMs.Percentile(50); } }
        public double ReceiveP95Ms { get { return receiveMs.Percentile(95); } }
    }
}
