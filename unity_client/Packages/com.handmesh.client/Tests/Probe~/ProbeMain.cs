using System;
using System.Collections.Generic;

namespace HandMesh.Client.Probe
{
    /// <summary>
    /// The C# side of the pytest suite (tests/test_unity_*.py): a console program that runs
    /// the engine-free core on inputs pytest prepares and prints what it did as JSON, one
    /// object per line, for Python to compare with its own reference. Lives in a folder
    /// Unity ignores (the trailing ~), so it never ships in a player.
    /// </summary>
    public static class ProbeMain
    {
        public static int Main(string[] args)
        {
            if (args.Length == 0)
            {
                Console.Error.WriteLine("usage: probe COMMAND ARGS (decode, encode, convert, client)");
                return 2;
            }
            var rest = new string[args.Length - 1];
            Array.Copy(args, 1, rest, 0, rest.Length);
            switch (args[0])
            {
                case "decode": return CodecProbe.Decode(rest);
                case "encode": return CodecProbe.Encode(rest);
                case "convert": return CoordinateProbe.Convert(rest);
                case "client": return ClientProbe.Run(rest);
                default:
                    Console.Error.WriteLine("unknown command " + args[0]);
                    return 2;
            }
        }

        /// <summary>Options of the form --name value.</summary>
        public static Dictionary<string, string> Options(string[] args)
        {
            var options = new Dictionary<string, string>();
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException("expected --option, got " + args[i]);
                options[args[i].Substring(2)] = args[i + 1];
            }
            return options;
        }

        public static void Emit(JsonObject json)
        {
            Console.Out.WriteLine(JsonText.Write(json));
            Console.Out.Flush();
        }

        public static string Hex(byte[] bytes)
        {
            return BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
        }
    }
}
