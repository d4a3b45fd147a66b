using System;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>
    /// The last <c>capacity</c> samples of a quantity and their percentiles (linear
    /// interpolation between order statistics, numpy's default, so Python and C# figures
    /// agree). Sorting a copy of a few hundred values per query is cheaper than the HUD that
    /// asks, and keeps adding a sample allocation-free.
    /// </summary>
    public sealed class RollingPercentiles
    {
        readonly double[] samples;
        readonly double[] sorted;
        int next;
        int count;

        public RollingPercentiles(int capacity)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException("capacity");
            samples = new double[capacity];
            sorted = new double[capacity];
        }

        public int Count
        {
            get { return count; }
        }

        public void Add(double sample)
        {
            samples[next] = sample;
            next = (next + 1) % samples.Length;
            if (count < samples.Length) count++;
        }

        /// <summary>The <paramref name="percent"/>th percentile (0–100) of the samples held; NaN when there are none.</summary>
        public double Percentile(double percent)
        {
            if (count == 0) return double.NaN;
            Array.Copy(samples, sorted, count);
            Array.Sort(sorted, 0, count);
            double rank = percent / 100.0 * (count - 1);
            int below = (int)Math.Floor(rank);
            int above = Math.Min(below + 1, count - 1);
            return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
        }
    }
}
