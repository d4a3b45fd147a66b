using System;
using System.Collections.Generic;
using HandMesh.Client.Core.Msgpack;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// A protocol v1 message to bytes, key for key as the Python encoder writes it: <c>v</c>
    /// and <c>t</c> first, then the fields in PROTOCOL.md's table order, absent optional
    /// values left out, lists and maps always written. So the same message gives the same
    /// bytes in both languages, and the golden vectors pin both.
    /// </summary>
    public static class MessageEncoder
    {
        public static byte[] Encode(Message message)
        {
            if (message == null) throw new ArgumentNullException("message");
            var map = new List<KeyValuePair<string, Action<MsgpackWriter>>>();
            Add(map, "v", w => w.Integer(ProtocolLimits.Version));
            Add(map, "t", w => w.String(message.Type));
            AddFields(map, message);
            var writer = new MsgpackWriter();
            WriteMap(writer, map);
            return writer.ToArray();
        }

        static void AddFields(List<KeyValuePair<string, Action<MsgpackWriter>>> map, Message message)
        {
            var hello = message as Hello;
            if (hello != null)
            {
                AddText(map, "ro", hello.Role);
                AddText(map, "sw", hello.Software);
                Add(map, "cap", w => WriteTexts(w, hello.Capabilities));
                AddText(map, "mdl", hello.Model);
                AddText(map, "rig", hello.Rig);
                AddText(map, "nm", hello.Name);
                return;
            }
            var rig = message as Rig;
            if (rig != null)
            {
                AddText(map, "rig", rig.RigId);
                AddArray(map, "vt", rig.Vertices);
                AddArray(map, "f", rig.Faces);
                AddArray(map, "si", rig.SkinIndices);
                AddArray(map, "sw", rig.SkinWeights);
                AddArray(map, "par", rig.Parents);
                Add(map, "jn", w => WriteTexts(w, rig.JointNames));
                AddArray(map, "rj", rig.RestJoints);
                AddArray(map, "bp", rig.BindPoses);
                AddArray(map, "rk", rig.RestKeypoints);
                AddArray(map, "tip", rig.TipVertices);
                return;
            }
            var frame = message as Frame;
            if (frame != null)
            {
                AddText(map, "s", frame.Stream);
                Add(map, "n", w => w.Unsigned(frame.Seq));
                Add(map, "tc", w => w.Integer(frame.TCaptureNs));
                Add(map, "img", w => WriteImage(w, frame.Image));
                if (frame.Intrinsics != null) Add(map, "K", w => WriteNumbers(w, frame.Intrinsics));
                AddText(map, "hand", frame.Handedness);
                AddText(map, "vdt", frame.VertexDtype);
                return;
            }
            var hands = message as Hands;
            if (hands != null)
            {
                AddText(map, "s", hands.Stream);
                Add(map, "n", w => w.Unsigned(hands.Seq));
                Add(map, "tc", w => w.Integer(hands.TCaptureNs));
                Add(map, "st", w => WriteDurations(w, hands.StageUs));
                Add(map, "h", w =>
                {
                    w.ArrayHeader(hands.HandList.Count);
                    foreach (Hand hand in hands.HandList) WriteHand(w, hand);
                });
                return;
            }
            var ack = message as Ack;
            if (ack != null)
            {
                AddText(map, "s", ack.Stream);
                Add(map, "n", w => w.Unsigned(ack.Seq));
                Add(map, "tr", w => w.Integer(ack.TReceiveNs));
                Add(map, "ta", w => w.Integer(ack.TApplyNs));
                return;
            }
            var stats = message as Stats;
            if (stats != null)
            {
                Add(map, "up", w => w.Double(stats.UptimeS));
                Add(map, "fr", w => w.Integer(stats.Frames));
                Add(map, "dr", w => w.Integer(stats.Dropped));
                Add(map, "er", w => w.Integer(stats.Errors));
                Add(map, "bad", w => w.Integer(stats.BadMessages));
                Add(map, "ss", w =>
                {
                    w.MapHeader(stats.Streams.Count);
                    foreach (KeyValuePair<string, StreamStats> entry in stats.Streams)
                    {
                        w.String(entry.Key);
                        WriteStreamStats(w, entry.Value);
                    }
                });
                return;
            }
            var error = message as ErrorReply;
            if (error != null)
            {
                Add(map, "c", w => w.Integer(error.Code));
                AddText(map, "nm", error.Name);
                AddText(map, "m", error.Text);
                if (error.Seq.HasValue) Add(map, "n", w => w.Unsigned(error.Seq.Value));
                AddText(map, "s", error.Stream);
            }
            // rig_req and stats_req have no fields.
        }

        static void WriteImage(MsgpackWriter writer, Image image)
        {
            var map = new List<KeyValuePair<string, Action<MsgpackWriter>>>();
            AddText(map, "fmt", image.Format);
            Add(map, "d", w => w.Binary(image.Data));
            Add(map, "w", w => w.Integer(image.Width));
            Add(map, "h", w => w.Integer(image.Height));
            AddText(map, "pix", image.PixelFormat);
            WriteMap(writer, map);
        }

        static void WriteHand(MsgpackWriter writer, Hand hand)
        {
            var map = new List<KeyValuePair<string, Action<MsgpackWriter>>>();
            AddText(map, "sd", hand.Side);
            Add(map, "sc", w => w.Double(hand.Score));
            AddArray(map, "j", hand.Joints);
            AddArray(map, "kp", hand.Keypoints2d);
            AddArray(map, "wp", hand.WristPosition);
            AddArray(map, "wr", hand.WristRotation);
            AddArray(map, "lr", hand.LocalRotations);
            AddArray(map, "vt", hand.Vertices);
            WriteMap(writer, map);
        }

        static void WriteStreamStats(MsgpackWriter writer, StreamStats stats)
        {
            var map = new List<KeyValuePair<string, Action<MsgpackWriter>>>();
            Add(map, "fi", w => w.Double(stats.FpsIn));
            Add(map, "fo", w => w.Double(stats.FpsOut));
            Add(map, "dr", w => w.Integer(stats.Dropped));
            Add(map, "er", w => w.Integer(stats.Errors));
            Add(map, "p50", w => WriteDurations(w, stats.StageP50Us));
            Add(map, "p95", w => WriteDurations(w, stats.StageP95Us));
            WriteMap(writer, map);
        }

        static void WriteArray(MsgpackWriter writer, WireArray array)
        {
            writer.MapHeader(3);
            writer.String("dt");
            writer.String(array.Dtype);
            writer.String("sh");
            writer.ArrayHeader(array.Shape.Length);
            foreach (int size in array.Shape) writer.Integer(size);
            writer.String("b");
            writer.Binary(array.Data);
        }

        static void WriteTexts(MsgpackWriter writer, List<string> texts)
        {
            writer.ArrayHeader(texts.Count);
            foreach (string text in texts) writer.String(text);
        }

        static void WriteNumbers(MsgpackWriter writer, double[] numbers)
        {
            writer.ArrayHeader(numbers.Length);
            foreach (double number in numbers) writer.Double(number);
        }

        static void WriteDurations(MsgpackWriter writer, Dictionary<string, long> durations)
        {
            writer.MapHeader(durations.Count);
            foreach (KeyValuePair<string, long> entry in durations)
            {
                writer.String(entry.Key);
                writer.Integer(entry.Value);
            }
        }

        static void WriteMap(MsgpackWriter writer, List<KeyValuePair<string, Action<MsgpackWriter>>> map)
        {
            writer.MapHeader(map.Count);
            foreach (KeyValuePair<string, Action<MsgpackWriter>> field in map)
            {
                writer.String(field.Key);
                field.Value(writer);
            }
        }

        static void Add(List<KeyValuePair<string, Action<MsgpackWriter>>> map, string key, Action<MsgpackWriter> write)
        {
            map.Add(new KeyValuePair<string, Action<MsgpackWriter>>(key, write));
        }

        /// <summary>A text field, left out when absent (null).</summary>
        static void AddText(List<KeyValuePair<string, Action<MsgpackWriter>>> map, string key, string text)
        {
            if (text != null) Add(map, key, w => w.String(text));
        }

        /// <summary>An array field, left out when absent (null).</summary>
        static void AddArray(List<KeyValuePair<string, Action<MsgpackWriter>>> map, string key, WireArray array)
        {
            if (array != null) Add(map, key, w => WriteArray(w, array));
        }
    }
}
