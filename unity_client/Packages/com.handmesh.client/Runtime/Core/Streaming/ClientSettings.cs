using HandMesh.Client.Core.Zmtp;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>Where the server is and what to ask of it; the defaults match `handmesh serve` and `handmesh replay`.</summary>
    public sealed class ClientSettings
    {
        /// <summary>The server's ROUTER: hello, rig requests, frames, acks.</summary>
        public string RouterEndpoint = "tcp://127.0.0.1:5555";

        /// <summary>The server's (or replay's) PUB: results.</summary>
        public string PubEndpoint = "tcp://127.0.0.1:5556";

        /// <summary>The stream whose results to show; empty: every stream's.</summary>
        public string Stream = "";

        /// <summary>Our display name in the server's hello log.</summary>
        public string ClientName = "unity";

        /// <summary>Ask for the rig after each hello (off when a cached or bundled rig is enough).</summary>
        public bool RequestRig = true;

        public ZmtpOptions Zmtp = new ZmtpOptions();
    }
}
