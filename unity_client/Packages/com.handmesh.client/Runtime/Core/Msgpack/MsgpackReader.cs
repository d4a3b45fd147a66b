using System;
using System.Collections.Generic;
using System.Text;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.Core.Msgpack
{
    /// <summary>
    /// Unpacks one msgpack value from a byte array into plain .NET values: null, bool, long
    /// (or ulong above long.MaxValue), double (float32 widened), string, byte[],
    /// List&lt;object&gt; and Dictionary&lt;string, object&gt; (binary keys are kept out:
    /// no protocol key is binary, so such a key is an unknown one).
    ///
    /// Every length prefix is checked against the protocol's limits and against the bytes
    /// that are left before anything is allocated, nesting is bounded, and a large message
    /// may build only so many maps and lists (PROTOCOL.md §8): whatever the input, the cost is
    /// bounded by its size, and the only exception is <see cref="ProtocolException"/>.
    /// </summary>
    public sealed class MsgpackReader
    {
        static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        readonly byte[] data;
        int position;
        int containersLeft;

        MsgpackReader(byte[] data)
        {
            this.data = data;
            containersLeft = data.Length > ProtocolLimits.SmallMessageBytes ? ProtocolLimits.MaxContainers : int.MaxValue;
        }

        /// <summary>The single value that fills <paramref name="data"/> exactly; trailing bytes are an error.</summary>
        public static object Unpack(byte[] data)
        {
            if (data == null) throw new ArgumentNullException("data");
            var reader = new MsgpackReader(data);
            object value = reader.ReadValue(0);
            if (reader.position != data.Length)
                throw Invalid(string.Format("{0} trailing bytes after the message", data.Length - reader.position));
            return value;
        }

        static ProtocolException Invalid(string reason)
        {
            return new ProtocolException("not a valid msgpack message: " + reason);
        }

        object ReadValue(int depth)
        {
            if (depth > ProtocolLimits.MaxNesting) throw Invalid("nested deeper than " + ProtocolLimits.MaxNesting);
            byte head = ReadByte();
            if (head <= 0x7f) return (long)head;
            if (head >= 0xe0) return (long)(sbyte)head;
            if (head >= 0x80 && head <= 0x8f) return ReadMap(head & 0x0f, depth);
            if (head >= 0x90 && head <= 0x9f) return ReadList(head & 0x0f, depth);
            if (head >= 0xa0 && head <= 0xbf) return ReadString(head & 0x1f);
            switch (head)
            {
                case 0xc0: return null;
                case 0xc2: return false;
                case 0xc3: return true;
                case 0xc4: return ReadBinary(ReadLength(1));
                case 0xc5: return ReadBinary(ReadLength(2));
                case 0xc6: return ReadBinary(ReadLength(4));
                case 0xca: return (double)BitConverter.ToSingle(BigEndianBytes(4), 0);
                case 0xcb: return BitConverter.ToDouble(BigEndianBytes(8), 0);
                case 0xcc: return (long)ReadUnsigned(1);
                case 0xcd: return (long)ReadUnsigned(2);
                case 0xce: return (long)ReadUnsigned(4);
                case 0xcf:
                    ulong big = ReadUnsigned(8);
                    return big <= long.MaxValue ? (object)(long)big : big;
                case 0xd0: return (long)(sbyte)ReadUnsigned(1);
                case 0xd1: return (long)(short)ReadUnsigned(2);
                case 0xd2: return (long)(int)ReadUnsigned(4);
                case 0xd3: return (long)ReadUnsigned(8);
                case 0xd9: return ReadString(ReadLength(1));
                case 0xda: return ReadString(ReadLength(2));
                case 0xdb: return ReadString(ReadLength(4));
                case 0xdc: return ReadList(ReadLength(2), depth);
                case 0xdd: return ReadList(ReadLength(4), depth);
                case 0xde: return ReadMap(ReadLength(2), depth);
                case 0xdf: return ReadMap(ReadLength(4), depth);
                case 0xc1: throw Invalid("the reserved byte 0xc1");
                default: throw Invalid(string.Format("extension type 0x{0:x2} (the protocol uses none)", head));
            }
        }

        Dictionary<string, object> ReadMap(long count, int depth)
        {
            if (count > ProtocolLimits.MaxMapKeys)
                throw Invalid(string.Format("map of {0} keys exceeds the limit of {1}", count, ProtocolLimits.MaxMapKeys));
            CountContainer();
            var map = new Dictionary<string, object>((int)count, StringComparer.Ordinal);
            for (long i = 0; i < count; i++)
            {
                object key = ReadValue(depth + 1);
                object value = ReadValue(depth + 1);
                var name = key as string;
                if (name != null) map[name] = value;
                else if (!(key is byte[])) throw Invalid("map keys must be strings");
            }
            return map;
        }

        List<object> ReadList(long count, int depth)
        {
            if (count > ProtocolLimits.MaxListItems)
                throw Invalid(string.Format("array of {0} items exceeds the limit of {1}", count, ProtocolLimits.MaxListItems));
            CountContainer();
            var list = new List<object>((int)count);
            for (long i = 0; i < count; i++) list.Add(ReadValue(depth + 1));
            return list;
        }

        void CountContainer()
        {
            if (--containersLeft < 0)
                throw Invalid(string.Format("more than {0} maps and lists", ProtocolLimits.MaxContainers));
        }

        string ReadString(long length)
        {
            if (length > ProtocolLimits.MaxStringBytes)
                throw Invalid(string.Format("string of {0} bytes exceeds the limit of {1}", length, ProtocolLimits.MaxStringBytes));
            Require(length);
            try
            {
                string text = StrictUtf8.GetString(data, position, (int)length);
                position += (int)length;
                return text;
            }
            catch (ArgumentException)
            {
                throw Invalid("a string that is not valid UTF-8");
            }
        }

        byte[] ReadBinary(long length)
        {
            if (length > ProtocolLimits.MaxMessageBytes)
                throw Invalid(string.Format("binary of {0} bytes exceeds the limit of {1}", length, ProtocolLimits.MaxMessageBytes));
            Require(length);
            var bytes = new byte[length];
            Buffer.BlockCopy(data, position, bytes, 0, (int)length);
            position += (int)length;
            return bytes;
        }

        long ReadLength(int size)
        {
            return (long)ReadUnsigned(size);
        }

        ulong ReadUnsigned(int size)
        {
            Require(size);
            ulong value = 0;
            for (int i = 0; i < size; i++) value = (value << 8) | data[position + i];
            position += size;
            return value;
        }

        byte[] BigEndianBytes(int size)
        {
            Require(size);
            var bytes = new byte[size];
            for (int i = 0; i < size; i++) bytes[i] = data[position + size - 1 - i];
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
            position += size;
            return bytes;
        }

        byte ReadByte()
        {
            Require(1);
            return data[position++];
        }

        /// <summary>Refuses a length before allocating for it: a prefix cannot claim more than is there.</summary>
        void Require(long count)
        {
            if (count > data.Length - position)
                throw Invalid(string.Format("truncated: {0} bytes needed at offset {1}, {2} left", count, position, data.Length - position));
        }
    }
}
