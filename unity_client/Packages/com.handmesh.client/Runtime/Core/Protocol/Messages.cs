using System.Collections.Generic;

namespace HandMesh.Client.Core.Protocol
{
    // Protocol v1 messages as C# values, one class per table of PROTOCOL.md §4; field names
    // follow the tables' "field" column. Units: meters, integer nanoseconds for times,
    // integer microseconds for durations; 3D values in the wire's OpenCV camera frame
    // (see Coordinates.UnityFrame for the conversion). Absent optional values are null;
    // absent lists and maps are empty, as in the golden vectors.

    /// <summary>A top-level message; <see cref="Type"/> is its <c>t</c>.</summary>
    public abstract class Message
    {
        public abstract string Type { get; }
    }

    public sealed class Hello : Message
    {
        public override string Type { get { return "hello"; } }
        public string Role;
        public string Software;
        public List<string> Capabilities = new List<string>();
        public string Model;
        public string Rig;
        public string Name;
    }

    public sealed class RigRequest : Message
    {
        public override string Type { get { return "rig_req"; } }
    }

    /// <summary>The skinned hand in the hand model frame (camera axes at identity wrist rotation, origin at the rest wrist).</summary>
    public sealed class Rig : Message
    {
        public override string Type { get { return "rig"; } }
        public string RigId;
        public WireArray Vertices;      // f4 (V, 3)
        public WireArray Faces;         // u2 or i4 (F, 3)
        public WireArray SkinIndices;   // u1 (V, 4)
        public WireArray SkinWeights;   // f4 (V, 4)
        public WireArray Parents;       // i1 or i4 (16,)
        public List<string> JointNames = new List<string>();
        public WireArray RestJoints;    // f4 (16, 3)
        public WireArray BindPoses;     // f4 (16, 4, 4)
        public WireArray RestKeypoints; // f4 (21, 3)
        public WireArray TipVertices;   // u2 or i4 (5,)
    }

    public sealed class Image
    {
        public string Format;      // "jpeg" or "raw"
        public byte[] Data;
        public int Width;
        public int Height;
        public string PixelFormat; // raw only: bgr8, rgb8, gray8
    }

    public sealed class Frame : Message
    {
        public override string Type { get { return "frame"; } }
        public string Stream;
        public ulong Seq;
        public long TCaptureNs;
        public Image Image;
        public double[] Intrinsics;  // fx, fy, cx, cy in px, or null
        public string Handedness;    // "left", "right" or null
        public string VertexDtype;   // "f2", "f4", "none" or null (= f2)
    }

    public sealed class Hand
    {
        public string Side;
        public double Score;
        public WireArray Joints;          // f4 (21, 3), camera frame, m
        public WireArray Keypoints2d;     // f4 (21, 2), px
        public WireArray WristPosition;   // f4 (3,), m
        public WireArray WristRotation;   // f4 (4,), x y z w
        public WireArray LocalRotations;  // f4 (15, 4), x y z w
        public WireArray Vertices;        // f2 or f4 (V, 3) relative to the wrist, or null
    }

    public sealed class Hands : Message
    {
        public override string Type { get { return "hands"; } }
        public string Stream;
        public ulong Seq;
        public long TCaptureNs;
        public Dictionary<string, long> StageUs = new Dictionary<string, long>();
        public List<Hand> HandList = new List<Hand>();
    }

    public sealed class Ack : Message
    {
        public override string Type { get { return "ack"; } }
        public string Stream;
        public ulong Seq;
        public long TReceiveNs;
        public long TApplyNs;
    }

    public sealed class StatsRequest : Message
    {
        public override string Type { get { return "stats_req"; } }
    }

    public sealed class StreamStats
    {
        public double FpsIn;
        public double FpsOut;
        public long Dropped;
        public long Errors;
        public Dictionary<string, long> StageP50Us = new Dictionary<string, long>();
        public Dictionary<string, long> StageP95Us = new Dictionary<string, long>();
    }

    public sealed class Stats : Message
    {
        public override string Type { get { return "stats"; } }
        public double UptimeS;
        public long Frames;
        public long Dropped;
        public long Errors;
        public long BadMessages;
        public Dictionary<string, StreamStats> Streams = new Dictionary<string, StreamStats>();
    }

    /// <summary>The server's refusal of one of our messages (the <c>error</c> message).</summary>
    public sealed class ErrorReply : Message
    {
        public override string Type { get { return "error"; } }
        public int Code;
        public string Name;
        public string Text;     // the wire field "message"
        public ulong? Seq;
        public string Stream;
    }
}
