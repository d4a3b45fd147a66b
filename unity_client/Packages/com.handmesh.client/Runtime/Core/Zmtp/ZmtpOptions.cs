namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>Timeouts and limits of a <see cref="ZmtpClientSocket"/>.</summary>
    public sealed class ZmtpOptions
    {
        /// <summary>Connecting plus the handshake, and any one read or write once a message has started.</summary>
        public int ConnectTimeoutMs = 2000;

        /// <summary>How long the network thread waits for a message before it looks at its stop flag again.</summary>
        public int PollMs = 100;

        /// <summary>The first wait after a failed or lost connection; it doubles up to <see cref="MaxBackoffMs"/>.</summary>
        public int MinBackoffMs = 100;

        public int MaxBackoffMs = 4000;

        /// <summary>A protocol message is at most 16 MiB; the topic frame adds a little.</summary>
        public long MaxMessageBytes = 16L * 1024 * 1024 + 4096;
    }
}
