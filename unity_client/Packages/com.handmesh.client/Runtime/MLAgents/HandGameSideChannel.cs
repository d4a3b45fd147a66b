using System;
using HandMesh.Client.Core.Bridge;
using HandMesh.Client.Core.Streaming;
using Unity.MLAgents.SideChannels;

namespace HandMesh.Client.MLAgents
{
    /// <summary>
    /// The HandGame side channel (id <see cref="BridgeIds.SideChannelId"/>): each message is
    /// one protocol message as raw bytes. In: rig and hands, kept by the
    /// <see cref="StepContext"/> (Core) with their arrival time; out: one ack per step and the
    /// game events, encoded by <see cref="BridgeCodec"/> (Core). The byte handling lives in
    /// Core, where it is tested outside Unity; this class only moves bytes.
    /// </summary>
    public sealed class HandGameSideChannel : SideChannel
    {
        public readonly StepContext Context = new StepContext();

        public HandGameSideChannel()
        {
            ChannelId = new Guid(BridgeIds.SideChannelId);
        }

        protected override void OnMessageReceived(IncomingMessage msg)
        {
            Context.Receive(msg.GetRawBytes(), EngineClock.NowNs());
        }

        public void Send(byte[] payload)
        {
            using (var message = new OutgoingMessage())
            {
                message.SetRawBytes(payload);
                QueueMessageToSend(message);
            }
        }
    }
}
