using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// What the side channel told the engine about the coming step: the newest rig, and the
    /// hands message the step's action comes from, with the time it arrived. After the agent
    /// applies the action, <see cref="Ack"/> names that result (or, for a policy's action,
    /// <see cref="BridgeIds.ActionStream"/> and the step number), so Python gets one ack per step.
    /// </summary>
    public sealed class StepContext
    {
        Hands pending;
        long pendingReceiveNs;

        public Rig Rig { get; private set; }
        public int Refused { get; private set; }
        public string LastError { get; private set; }

        /// <summary>Takes one side-channel payload that arrived at <paramref name="nowNs"/>; a bad one is counted, never thrown.</summary>
        public void Receive(byte[] payload, long nowNs)
        {
            Message message;
            try
            {
                message = BridgeCodec.DecodeInbound(payload);
            }
            catch (ProtocolException error)
            {
                Refused++;
                LastError = error.Message;
                return;
            }
            var rig = message as Rig;
            if (rig != null)
            {
                Rig = rig;
                return;
            }
            pending = (Hands)message;
            pendingReceiveNs = nowNs;
        }

        /// <summary>The ack of step <paramref name="step"/>, applied at <paramref name="tApplyNs"/>; the action arrived at <paramref name="tActionNs"/> when no hands message came with it.</summary>
        public byte[] Ack(long step, long tActionNs, long tApplyNs)
        {
            byte[] ack = pending != null
                ? BridgeCodec.EncodeAck(pending.Stream, pending.Seq, pendingReceiveNs, tApplyNs)
                : BridgeCodec.EncodeAck(BridgeIds.ActionStream, (ulong)step, tActionNs, tApplyNs);
            pending = null;
            return ack;
        }
    }
}
