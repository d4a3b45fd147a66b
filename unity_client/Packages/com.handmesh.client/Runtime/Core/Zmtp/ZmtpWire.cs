using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>
    /// The bytes of ZMTP 3.0 (RFC 23/ZMTP) with the NULL mechanism (RFC 37 keeps the same
    /// framing): the 64-byte greeting, frames (a flags byte — MORE 0x01, LONG 0x02,
    /// COMMAND 0x04 — then a 1- or 8-byte big-endian size, then the body), and commands
    /// (a name-length byte, the name, then the body; READY's body is metadata properties:
    /// a name-length byte, the name, a 4-byte big-endian value length, the value).
    /// </summary>
    public static class ZmtpWire
    {
        public const int GreetingSize = 64;
        public const byte FlagMore = 0x01;
        public const byte FlagLong = 0x02;
        public const byte FlagCommand = 0x04;

        /// <summary>
        /// Our greeting: signature (0xFF, 8 padding bytes, 0x7F), version 3.0, mechanism
        /// "NULL", as-server 0, filler. Version 3.0, not 3.1: a 3.0 peer is sent subscriptions
        /// as messages (0x01 + topic), which every libzmq since 4.0 accepts.
        /// </summary>
        public static byte[] Greeting()
        {
            var greeting = new byte[GreetingSize];
            greeting[0] = 0xff;
            greeting[9] = 0x7f;
            greeting[10] = 3;
            greeting[11] = 0;
            Encoding.ASCII.GetBytes("NULL", 0, 4, greeting, 12);
            return greeting;
        }

        /// <summary>Checks a peer's greeting: the signature, major version 3, the NULL mechanism.</summary>
        public static void CheckGreeting(byte[] greeting)
        {
            if (greeting[0] != 0xff || greeting[9] != 0x7f)
                throw new ZmtpException("the peer is not a ZeroMQ socket (no ZMTP signature)");
            if (greeting[10] < 3)
                throw new ZmtpException("the peer speaks ZMTP " + greeting[10] + ".x; this client needs 3.0 or later");
            string mechanism = Encoding.ASCII.GetString(greeting, 12, 20).TrimEnd('\0');
            if (mechanism != "NULL")
                throw new ZmtpException("the peer wants security mechanism " + mechanism + "; this client speaks NULL only (no CURVE)");
        }

        /// <summary>A READY command body with the given metadata properties.</summary>
        public static byte[] ReadyCommand(IDictionary<string, byte[]> properties)
        {
            var body = new MemoryStream();
            WriteShortString(body, "READY");
            foreach (KeyValuePair<string, byte[]> property in properties)
            {
                WriteShortString(body, property.Key);
                byte[] value = property.Value;
                body.WriteByte((byte)(value.Length >> 24));
                body.WriteByte((byte)(value.Length >> 16));
                body.WriteByte((byte)(value.Length >> 8));
                body.WriteByte((byte)value.Length);
                body.Write(value, 0, value.Length);
            }
            return body.ToArray();
        }

        /// <summary>A command's name: the first byte is its length.</summary>
        public static string CommandName(byte[] command)
        {
            if (command.Length < 1 || command[0] + 1 > command.Length) throw new ZmtpException("malformed command frame");
            return Encoding.ASCII.GetString(command, 1, command[0]);
        }

        /// <summary>The metadata properties of a READY command (names compared case-insensitively, as the RFC says).</summary>
        public static Dictionary<string, byte[]> ReadyProperties(byte[] command)
        {
            var properties = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
            int position = 1 + command[0];
            while (position < command.Length)
            {
                int nameLength = command[position];
                if (position + 1 + nameLength + 4 > command.Length) throw new ZmtpException("malformed READY metadata");
                string name = Encoding.ASCII.GetString(command, position + 1, nameLength);
                position += 1 + nameLength;
                long valueLength = ((long)command[position] << 24) | ((long)command[position + 1] << 16)
                    | ((long)command[position + 2] << 8) | command[position + 3];
                position += 4;
                if (valueLength > command.Length - position) throw new ZmtpException("malformed READY metadata");
                var value = new byte[valueLength];
                Buffer.BlockCopy(command, position, value, 0, (int)valueLength);
                properties[name] = value;
                position += (int)valueLength;
            }
            return properties;
        }

        /// <summary>The header of one frame: flags, then the size in 1 byte (short) or 8 bytes (LONG).</summary>
        public static byte[] FrameHeader(int size, bool more, bool command)
        {
            byte flags = (byte)((more ? FlagMore : 0) | (command ? FlagCommand : 0));
            if (size <= byte.MaxValue) return new[] { flags, (byte)size };
            var header = new byte[9];
            header[0] = (byte)(flags | FlagLong);
            for (int i = 0; i < 8; i++) header[8 - i] = (byte)((long)size >> (8 * i));
            return header;
        }

        static void WriteShortString(Stream stream, string text)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            if (bytes.Length > byte.MaxValue) throw new ArgumentException("ZMTP short strings hold at most 255 bytes");
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes, 0, bytes.Length);
        }
    }
}
