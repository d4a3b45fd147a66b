using System;
using System.Collections.Generic;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// Bytes to a protocol v1 message, the gate every received byte passes: the size limit
    /// before unpacking, a bounded unpacker, <c>v</c> and <c>t</c>, then every field of
    /// PROTOCOL.md §4 and the rules that tie fields together. Whatever the input, the only
    /// exception is <see cref="ProtocolException"/>, with the code and the wire path of the
    /// field at fault; so a receive loop catches exactly one type and carries on.
    /// </summary>
    public static class MessageDecoder
    {
        static readonly string[] F4 = { "f4" };
        static readonly string[] VertexDtypes = { "f2", "f4" };
        static readonly string[] IndexDtypes = { "u2", "i4" };
        static readonly string[] ParentDtypes = { "i1", "i4" };
        static readonly string[] Sides = { "left", "right" };
        const long Int64Max = long.MaxValue;

        public static Message Decode(byte[] data)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (data.Length > ProtocolLimits.MaxMessageBytes)
                throw new ProtocolException(string.Format("message of {0} bytes exceeds the limit of {1}",
                    data.Length, ProtocolLimits.MaxMessageBytes), ErrorCode.TooLarge);
            object value = Msgpack.MsgpackReader.Unpack(data);
            var map = value as Dictionary<string, object>;
            if (map == null) throw new ProtocolException("expected a map, got " + WireKinds.KindOf(value));
            string type = TypeOf(map);
            var fields = new FieldMap(map);
            switch (type)
            {
                case "hello": return DecodeHello(fields);
                case "rig_req": return new RigRequest();
                case "rig": return DecodeRig(fields);
                case "frame": return DecodeFrame(fields);
                case "hands": return DecodeHands(fields);
                case "ack": return DecodeAck(fields);
                case "stats_req": return new StatsRequest();
                case "stats": return DecodeStats(fields);
                case "error": return DecodeError(fields);
                default:
                    throw new ProtocolException("unknown message type '" + type + "'", ErrorCode.UnknownType, "t");
            }
        }

        /// <summary>The message's type, once its version is one we speak.</summary>
        static string TypeOf(Dictionary<string, object> map)
        {
            object version, type;
            if (!map.TryGetValue("v", out version) || version == null)
                throw new ProtocolException("required field missing", ErrorCode.BadMessage, "v");
            if (!(version is long) && !(version is ulong))
                throw new ProtocolException("expected an integer, got " + WireKinds.KindOf(version), ErrorCode.BadMessage, "v");
            if (!(version is long) || (long)version != ProtocolLimits.Version)
                throw new ProtocolException(string.Format("protocol version {0} not supported (this peer speaks {1})",
                    version, ProtocolLimits.Version), ErrorCode.UnsupportedVersion, "v");
            if (!map.TryGetValue("t", out type) || type == null)
                throw new ProtocolException("required field missing", ErrorCode.BadMessage, "t");
            var name = type as string;
            if (name == null) throw new ProtocolException("expected a string, got " + WireKinds.KindOf(type), ErrorCode.BadMessage, "t");
            return name;
        }

        static Hello DecodeHello(FieldMap fields)
        {
            return new Hello
            {
                Role = fields.Required("ro", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, "client", "server")),
                Software = fields.Required("sw", v => WireKinds.Text(v, ProtocolLimits.MaxTextChars, 1)),
                Capabilities = fields.Optional("cap", v => WireKinds.ListOf(v, WireKinds.Id), new List<string>()),
                Model = fields.Optional("mdl", WireKinds.Id, null),
                Rig = fields.Optional("rig", WireKinds.Id, null),
                Name = fields.Optional("nm", WireKinds.Id, null),
            };
        }

        static Rig DecodeRig(FieldMap fields)
        {
            var rig = new Rig
            {
                RigId = fields.Required("rig", WireKinds.Id),
                Vertices = fields.Required("vt", v => WireKinds.Array(v, F4, new[] { -1, 3 }, ProtocolLimits.MaxVertices)),
                Faces = fields.Required("f", v => WireKinds.Array(v, IndexDtypes, new[] { -1, 3 }, ProtocolLimits.MaxFaces)),
                SkinIndices = fields.Required("si", v => WireKinds.Array(v, new[] { "u1" }, new[] { -1, 4 }, ProtocolLimits.MaxVertices)),
                SkinWeights = fields.Required("sw", v => WireKinds.Array(v, F4, new[] { -1, 4 }, ProtocolLimits.MaxVertices)),
                Parents = fields.Required("par", v => WireKinds.Array(v, ParentDtypes, new[] { Skeleton.JointCount })),
                JointNames = fields.Required("jn", v => WireKinds.ListOf(v, WireKinds.Id, Skeleton.JointCount, Skeleton.JointCount)),
                RestJoints = fields.Required("rj", v => WireKinds.Array(v, F4, new[] { Skeleton.JointCount, 3 })),
                BindPoses = fields.Required("bp", v => WireKinds.Array(v, F4, new[] { Skeleton.JointCount, 4, 4 })),
                RestKeypoints = fields.Required("rk", v => WireKinds.Array(v, F4, new[] { Skeleton.KeypointCount, 3 })),
                TipVertices = fields.Required("tip", v => WireKinds.Array(v, IndexDtypes, new[] { Skeleton.FingerCount })),
            };
            RigRules.Check(rig);
            return rig;
        }

        static Frame DecodeFrame(FieldMap fields)
        {
            var frame = new Frame
            {
                Stream = fields.Required("s", WireKinds.Id),
                Seq = fields.Required("n", WireKinds.Seq),
                TCaptureNs = fields.Required("tc", WireKinds.NonNegative),
                Image = fields.Required("img", DecodeImage),
                Intrinsics = fields.Optional("K", v => WireKinds.ListOf(v, n => WireKinds.Number(n), 4, 4).ToArray(), null),
                Handedness = fields.Optional("hand", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, Sides), null),
                VertexDtype = fields.Optional("vdt", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, "f2", "f4", "none"), null),
            };
            if (frame.Intrinsics != null && (frame.Intrinsics[0] <= 0 || frame.Intrinsics[1] <= 0))
                throw new ProtocolException("fx and fy must be positive", ErrorCode.BadMessage, "K");
            return frame;
        }

        static Image DecodeImage(object value)
        {
            var fields = new FieldMap(value);
            var image = new Image
            {
                Format = fields.Required("fmt", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, "jpeg", "raw")),
                Data = fields.Required("d", v => WireKinds.Binary(v, ProtocolLimits.MaxImageBytes)),
                Width = (int)fields.Required("w", v => WireKinds.Integer(v, 1, ProtocolLimits.MaxImageSide, true)),
                Height = (int)fields.Required("h", v => WireKinds.Integer(v, 1, ProtocolLimits.MaxImageSide, true)),
                PixelFormat = fields.Optional("pix", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, "bgr8", "rgb8", "gray8"), null),
            };
            ImageRules.Check(image);
            return image;
        }

        static Hands DecodeHands(FieldMap fields)
        {
            return new Hands
            {
                Stream = fields.Required("s", WireKinds.Id),
                Seq = fields.Required("n", WireKinds.Seq),
                TCaptureNs = fields.Required("tc", WireKinds.NonNegative),
                StageUs = fields.Optional("st", Durations, new Dictionary<string, long>()),
                HandList = fields.Required("h", v => WireKinds.ListOf(v, DecodeHand, ProtocolLimits.MaxHands)),
            };
        }

        static Hand DecodeHand(object value)
        {
            var fields = new FieldMap(value);
            return new Hand
            {
                Side = fields.Required("sd", v => WireKinds.Text(v, ProtocolLimits.MaxIdChars, 1, Sides)),
                Score = fields.Required("sc", v => WireKinds.Number(v, 0, 1)),
                Joints = fields.Required("j", v => WireKinds.Array(v, F4, new[] { Skeleton.KeypointCount, 3 })),
                Keypoints2d = fields.Required("kp", v => WireKinds.Array(v, F4, new[] { Skeleton.KeypointCount, 2 })),
                WristPosition = fields.Required("wp", v => WireKinds.Array(v, F4, new[] { 3 })),
                WristRotation = fields.Required("wr", v => WireKinds.Array(v, F4, new[] { 4 })),
                LocalRotations = fields.Required("lr", v => WireKinds.Array(v, F4, new[] { Skeleton.LocalRotationCount, 4 })),
                Vertices = fields.Optional("vt", v => WireKinds.Array(v, VertexDtypes, new[] { -1, 3 }, ProtocolLimits.MaxVertices), null),
            };
        }

        static Ack DecodeAck(FieldMap fields)
        {
            return new Ack
            {
                Stream = fields.Required("s", WireKinds.Id),
                Seq = fields.Required("n", WireKinds.Seq),
                TReceiveNs = fields.Required("tr", WireKinds.NonNegative),
                TApplyNs = fields.Required("ta", WireKinds.NonNegative),
            };
        }

        static Stats DecodeStats(FieldMap fields)
        {
            return new Stats
            {
                UptimeS = fields.Required("up", Rate),
                Frames = fields.Required("fr", WireKinds.NonNegative),
                Dropped = fields.Required("dr", WireKinds.NonNegative),
                Errors = fields.Required("er", WireKinds.NonNegative),
                BadMessages = fields.Required("bad", WireKinds.NonNegative),
                Streams = fields.Optional("ss", v => WireKinds.MapOf(v, DecodeStreamStats), new Dictionary<string, StreamStats>()),
            };
        }

        static StreamStats DecodeStreamStats(object value)
        {
            var fields = new FieldMap(value);
            return new StreamStats
            {
                FpsIn = fields.Required("fi", Rate),
                FpsOut = fields.Required("fo", Rate),
                Dropped = fields.Required("dr", WireKinds.NonNegative),
                Errors = fields.Required("er", WireKinds.NonNegative),
                StageP50Us = fields.Optional("p50", Durations, new Dictionary<string, long>()),
                StageP95Us = fields.Optional("p95", Durations, new Dictionary<string, long>()),
            };
        }

        static ErrorReply DecodeError(FieldMap fields)
        {
            return new ErrorReply
            {
                Code = (int)fields.Required("c", v => WireKinds.Integer(v, 0, 65535)),
                Name = fields.Required("nm", WireKinds.Id),
                Text = fields.Required("m", v => WireKinds.Text(v, ProtocolLimits.MaxTextChars, 0)),
                Seq = fields.Optional<ulong?>("n", v => WireKinds.Seq(v), null),
                Stream = fields.Optional("s", WireKinds.Id, null),
            };
        }

        static Dictionary<string, long> Durations(object value)
        {
            return WireKinds.MapOf(value, WireKinds.NonNegative);
        }

        static double Rate(object value)
        {
            return WireKinds.Number(value, 0);
        }
    }
}
