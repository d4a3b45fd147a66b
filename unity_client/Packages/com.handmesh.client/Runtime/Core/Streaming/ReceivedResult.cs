using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>A decoded result and when it arrived (engine clock, ns): what the main thread applies and acknowledges.</summary>
    public sealed class ReceivedResult
    {
        public ReceivedResult(Hands hands, long tReceiveNs)
        {
            Hands = hands;
            TReceiveNs = tReceiveNs;
        }

        public Hands Hands { get; private set; }
        public long TReceiveNs { get; private set; }
    }
}
