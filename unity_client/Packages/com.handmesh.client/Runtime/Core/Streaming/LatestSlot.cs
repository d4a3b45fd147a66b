namespace HandMesh.Client.Core.Streaming
{
    /// <summary>
    /// Newest-wins hand-over from the network thread to the main thread: <see cref="Put"/>
    /// replaces whatever is waiting, <see cref="TryTake"/> returns the newest item and how
    /// many were overwritten before anyone took them. Never a queue, so a slow frame in the
    /// engine cannot build up latency; the overwritten count is the engine-side drop figure.
    /// </summary>
    public sealed class LatestSlot<T> where T : class
    {
        readonly object gate = new object();
        T waiting;
        int overwritten;
        long totalOverwritten;

        public void Put(T item)
        {
            lock (gate)
            {
                if (waiting != null)
                {
                    overwritten++;
                    totalOverwritten++;
                }
                waiting = item;
            }
        }

        /// <summary>The newest item, if one arrived since the last take; <paramref name="skipped"/>: items it replaced.</summary>
        public bool TryTake(out T item, out int skipped)
        {
            lock (gate)
            {
                item = waiting;
                skipped = overwritten;
                waiting = null;
                overwritten = 0;
                return item != null;
            }
        }

        /// <summary>Items overwritten before anyone took them, since the slot was made.</summary>
        public long TotalOverwritten
        {
            get { lock (gate) return totalOverwritten; }
        }
    }
}
