using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Probe
{
    /// <summary>Decodes files with the C# decoder, and encodes frames and acks with the C# encoder, for pytest to check.</summary>
    public static class CodecProbe
    {
        /// <summary>For each file: {"file", "decoded", "reencoded"} or {"file", "error": {code, name, field}}.</summary>
        public static int Decode(string[] paths)
        {
            foreach (string path in paths)
            {
                var json = new JsonObject().With("file", path);
                try
                {
                    Message message = MessageDecoder.Decode(File.ReadAllBytes(path));
                    json.With("decoded", VectorJson.Of(message)).With("reencoded", ProbeMain.Hex(MessageEncoder.Encode(message)));
                }
                catch (ProtocolException error)
                {
                    json.With("error", new JsonObject().With("code", (int)error.Code).With("name", error.CodeName)
                        .With("field", error.Field).With("message", error.Message));
                }
                ProbeMain.Emit(json);
            }
            return 0;
        }

        /// <summary>
        /// encode frame --out FILE --stream S --seq N --tc NS --jpeg FILE --width W --height H [--intrinsics fx,fy,cx,cy] [--hand side] [--vdt f4]
        /// encode ack --out FILE --stream S --seq N --tr NS --ta NS
        /// </summary>
        public static int Encode(string[] args)
        {
            var rest = new string[args.Length - 1];
            Array.Copy(args, 1, rest, 0, rest.Length);
            Dictionary<string, string> options = ProbeMain.Options(rest);
            Message message;
            if (args[0] == "frame") message = FrameOf(options);
            else if (args[0] == "ack")
                message = new Ack
                {
                    Stream = options["stream"],
                    Seq = ulong.Parse(options["seq"], CultureInfo.InvariantCulture),
                    TReceiveNs = long.Parse(options["tr"], CultureInfo.InvariantCulture),
                    TApplyNs = long.Parse(options["ta"], CultureInfo.InvariantCulture),
                };
            else throw new ArgumentException("encode frame or ack, not " + args[0]);
            File.WriteAllBytes(options["out"], MessageEncoder.Encode(message));
            return 0;
        }

        static Frame FrameOf(Dictionary<string, string> options)
        {
            string value;
            var frame = new Frame
            {
                Stream = options["stream"],
                Seq = ulong.Parse(options["seq"], CultureInfo.InvariantCulture),
                TCaptureNs = long.Parse(options["tc"], CultureInfo.InvariantCulture),
                Image = new Image
                {
                    Format = "jpeg",
                    Data = File.ReadAllBytes(options["jpeg"]),
                    Width = int.Parse(options["width"], CultureInfo.InvariantCulture),
                    Height = int.Parse(options["height"], CultureInfo.InvariantCulture),
                },
            };
            if (options.TryGetValue("intrinsics", out value))
                frame.Intrinsics = Array.ConvertAll(value.Split(','), s => double.Parse(s, CultureInfo.InvariantCulture));
            if (options.TryGetValue("hand", out value)) frame.Handedness = value;
            if (options.TryGetValue("vdt", out value)) frame.VertexDtype = value;
            return frame;
        }
    }
}
