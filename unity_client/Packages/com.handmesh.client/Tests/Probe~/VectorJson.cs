using System.Collections.Generic;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Probe
{
    /// <summary>
    /// A decoded message in the golden vectors' JSON layout (protocol/vectors/README.md):
    /// field names from PROTOCOL.md's "field" column, arrays as {dtype, shape, data}, binary
    /// as {hex}, absent optionals as null. pytest compares it with NAME.json.
    /// </summary>
    public static class VectorJson
    {
        public static JsonObject Of(Message message)
        {
            var json = new JsonObject().With("type", message.Type);
            var hello = message as Hello;
            if (hello != null)
                return json.With("role", hello.Role).With("software", hello.Software).With("capabilities", hello.Capabilities)
                    .With("model", hello.Model).With("rig", hello.Rig).With("name", hello.Name);
            var rig = message as Rig;
            if (rig != null)
                return json.With("rig_id", rig.RigId).With("vertices", Array(rig.Vertices)).With("faces", Array(rig.Faces))
                    .With("skin_indices", Array(rig.SkinIndices)).With("skin_weights", Array(rig.SkinWeights))
                    .With("parents", Array(rig.Parents)).With("joint_names", rig.JointNames)
                    .With("rest_joints", Array(rig.RestJoints)).With("bind_poses", Array(rig.BindPoses))
                    .With("rest_keypoints", Array(rig.RestKeypoints)).With("tip_vertices", Array(rig.TipVertices));
            var frame = message as Frame;
            if (frame != null)
                return json.With("stream", frame.Stream).With("seq", frame.Seq).With("t_capture_ns", frame.TCaptureNs)
                    .With("image", Image(frame.Image)).With("intrinsics", frame.Intrinsics)
                    .With("handedness", frame.Handedness).With("vertex_dtype", frame.VertexDtype);
            var hands = message as Hands;
            if (hands != null)
            {
                var list = new List<object>();
                foreach (Hand hand in hands.HandList) list.Add(Hand(hand));
                return json.With("stream", hands.Stream).With("seq", hands.Seq).With("t_capture_ns", hands.TCaptureNs)
                    .With("stage_us", Durations(hands.StageUs)).With("hands", list);
            }
            var ack = message as Ack;
            if (ack != null)
                return json.With("stream", ack.Stream).With("seq", ack.Seq).With("t_receive_ns", ack.TReceiveNs).With("t_apply_ns", ack.TApplyNs);
            var stats = message as Stats;
            if (stats != null)
            {
                var streams = new JsonObject();
                foreach (KeyValuePair<string, StreamStats> entry in stats.Streams) streams.With(entry.Key, StreamStats(entry.Value));
                return json.With("uptime_s", stats.UptimeS).With("frames", stats.Frames).With("dropped", stats.Dropped)
                    .With("errors", stats.Errors).With("bad_messages", stats.BadMessages).With("streams", streams);
            }
            var error = message as ErrorReply;
            if (error != null)
                return json.With("code", error.Code).With("name", error.Name).With("message", error.Text)
                    .With("seq", error.Seq.HasValue ? (object)error.Seq.Value : null).With("stream", error.Stream);
            return json; // rig_req, stats_req: no fields
        }

        static JsonObject Image(Image image)
        {
            return new JsonObject().With("type", "image").With("format", image.Format).With("data", Hex(image.Data))
                .With("width", image.Width).With("height", image.Height).With("pixel_format", image.PixelFormat);
        }

        static JsonObject Hand(Hand hand)
        {
            return new JsonObject().With("type", "hand").With("side", hand.Side).With("score", hand.Score)
                .With("joints", Array(hand.Joints)).With("keypoints_2d", Array(hand.Keypoints2d))
                .With("wrist_position", Array(hand.WristPosition)).With("wrist_rotation", Array(hand.WristRotation))
                .With("local_rotations", Array(hand.LocalRotations)).With("vertices", Array(hand.Vertices));
        }

        static JsonObject StreamStats(StreamStats stats)
        {
            return new JsonObject().With("type", "stream_stats").With("fps_in", stats.FpsIn).With("fps_out", stats.FpsOut)
                .With("dropped", stats.Dropped).With("errors", stats.Errors)
                .With("stage_p50_us", Durations(stats.StageP50Us)).With("stage_p95_us", Durations(stats.StageP95Us));
        }

        static JsonObject Durations(Dictionary<string, long> durations)
        {
            var json = new JsonObject();
            foreach (KeyValuePair<string, long> entry in durations) json.With(entry.Key, entry.Value);
            return json;
        }

        static JsonObject Array(WireArray array)
        {
            if (array == null) return null;
            var data = new double[array.Count];
            for (int i = 0; i < data.Length; i++) data[i] = array.GetDouble(i);
            return new JsonObject().With("dtype", array.Dtype).With("shape", array.Shape).With("data", data);
        }

        static JsonObject Hex(byte[] bytes)
        {
            return new JsonObject().With("hex", ProbeMain.Hex(bytes));
        }
    }
}
