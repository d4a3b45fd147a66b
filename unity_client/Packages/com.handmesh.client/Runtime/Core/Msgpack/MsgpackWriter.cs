using System;
using System.IO;
using System.Text;

namespace HandMesh.Client.Core.Msgpack
{
    /// <summary>
    /// Writes msgpack the way the Python encoder does (msgpack-python with <c>use_bin_type</c>):
    /// the smallest integer and length formats, float64 for every float, str8 for short
    /// strings. So a message encoded here has the same bytes as the golden vectors.
    /// </summary>
    public sealed class MsgpackWriter
    {
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, true);
        readonly MemoryStream buffer = new MemoryStream(256);

        public byte[] ToArray()
        {
            return buffer.ToArray();
        }

        public void Nil()
        {
            buffer.WriteByte(0xc0);
        }

        public void Boolean(bool value)
        {
            buffer.WriteByte(value ? (byte)0xc3 : (byte)0xc2);
        }

        public void MapHeader(int count)
        {
            Header(count, 0x80, 15, 0xde, 0xdf);
        }

        public void ArrayHeader(int count)
        {
            Header(count, 0x90, 15, 0xdc, 0xdd);
        }

        public void Integer(long value)
        {
            if (value >= 0)
            {
                Unsigned((ulong)value);
                return;
            }
            if (value >= -32) buffer.WriteByte((byte)(sbyte)value);
            else if (value >= sbyte.MinValue) Tagged(0xd0, (ulong)(byte)(sbyte)value, 1);
            else if (value >= short.MinValue) Tagged(0xd1, (ulong)(ushort)(short)value, 2);
            else if (value >= int.MinValue) Tagged(0xd2, (ulong)(uint)(int)value, 4);
            else Tagged(0xd3, (ulong)value, 8);
        }

        public void Unsigned(ulong value)
        {
            if (value <= 0x7f) buffer.WriteByte((byte)value);
            else if (value <= byte.MaxValue) Tagged(0xcc, value, 1);
            else if (value <= ushort.MaxValue) Tagged(0xcd, value, 2);
            else if (value <= uint.MaxValue) Tagged(0xce, value, 4);
            else Tagged(0xcf, value, 8);
        }

        public void Double(double value)
        {
            Tagged(0xcb, (ulong)BitConverter.DoubleToInt64Bits(value), 8);
        }

        public void String(string value)
        {
            byte[] bytes = Utf8.GetBytes(value);
            int length = bytes.Length;
            if (length <= 31) buffer.WriteByte((byte)(0xa0 | length));
            else if (length <= byte.MaxValue) Tagged(0xd9, (ulong)length, 1);
            else if (length <= ushort.MaxValue) Tagged(0xda, (ulong)length, 2);
            else Tagged(0xdb, (ulong)length, 4);
            buffer.Write(bytes, 0, length);
        }

        public void Binary(byte[] value)
        {
            int length = value.Length;
            if (length <= byte.MaxValue) Tagged(0xc4, (ulong)length, 1);
            else if (length <= ushort.MaxValue) Tagged(0xc5, (ulong)length, 2);
            else Tagged(0xc6, (ulong)length, 4);
            buffer.Write(value, 0, length);
        }

        void Header(int count, int fixBase, int fixMax, byte tag16, byte tag32)
        {
            if (count < 0) throw new ArgumentOutOfRangeException("count");
            if (count <= fixMax) buffer.WriteByte((byte)(fixBase | count));
            else if (count <= ushort.MaxValue) Tagged(tag16, (ulong)count, 2);
            else Tagged(tag32, (ulong)count, 4);
        }

        void Tagged(byte tag, ulong value, int size)
        {
            buffer.WriteByte(tag);
            for (int shift = (size - 1) * 8; shift >= 0; shift -= 8) buffer.WriteByte((byte)(value >> shift));
        }
    }
}
