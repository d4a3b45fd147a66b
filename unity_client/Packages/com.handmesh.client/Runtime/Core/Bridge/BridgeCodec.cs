using System;
using HandMesh.Client.Core.Msgpack;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// The bytes of the HandGame side channel, one protocol message per side-channel message:
    /// in, <c>rig</c> and <c>hands</c> (anything else is refused); out, <c>ack</c> and the
    /// bridge's <c>game_event</c> (v, t, k, o, st, te, sc[, tg], in that order, as Python's
    /// server/game/events.py writes it, so both sides give the same bytes).
    /// </summary>
    public static class BridgeCodec
    {
        public const string GameEventType = "game_event";

        /// <summary>The rig or hands message in <paramref name="payload"/>; a <see cref="ProtocolException"/> otherwise.</summary>
        public static Message DecodeInbound(byte[] payload)
        {
            Message message = MessageDecoder.Decode(payload);
            if (message is Rig || message is Hands) return message;
            throw new ProtocolException("the side channel carries rig and hands messages to the engine, not " + message.Type, ErrorCode.UnexpectedType);
        }

        public static byte[] EncodeAck(string stream, ulong seq, long tReceiveNs, long tApplyNs)
        {
            return MessageEncoder.Encode(new Ack { Stream = stream, Seq = seq, TReceiveNs = tReceiveNs, TApplyNs = tApplyNs });
        }

        public static byte[] EncodeEvent(GameEvent gameEvent)
        {
            if (gameEvent == null) throw new ArgumentNullException("gameEvent");
            if ((gameEvent.Kind == GameEvent.Deliver) != gameEvent.TargetId.HasValue)
                throw new ArgumentException("a deliver event names its target; no other does");
            var writer = new MsgpackWriter();
            writer.MapHeader(gameEvent.TargetId.HasValue ? 8 : 7);
            writer.String("v");
            writer.Integer(ProtocolLimits.Version);
            writer.String("t");
            writer.String(GameEventType);
            writer.String("k");
            writer.String(gameEvent.Kind);
            writer.String("o");
            writer.Integer(gameEvent.ObjectId);
            writer.String("st");
            writer.Integer(gameEvent.Step);
            writer.String("te");
            writer.Integer(gameEvent.TEventNs);
            writer.String("sc");
            writer.Integer(gameEvent.Score);
            if (gameEvent.TargetId.HasValue)
            {
                writer.String("tg");
                writer.Integer(gameEvent.TargetId.Value);
            }
            return writer.ToArray();
        }
    }
}
