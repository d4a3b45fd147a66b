using System;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// An array as it travels (PROTOCOL.md §3): a dtype code, a shape, and the elements' raw
    /// little-endian bytes in C order. Kept as bytes so a decoded message re-encodes to the
    /// same bytes; the To* methods give the values.
    /// </summary>
    public sealed class WireArray
    {
        public WireArray(string dtype, int[] shape, byte[] data)
        {
            Dtype = dtype;
            Shape = shape;
            Data = data;
        }

        /// <summary>One of u1, u2, i1, i4, f2, f4, f8.</summary>
        public string Dtype { get; private set; }
        public int[] Shape { get; private set; }
        public byte[] Data { get; private set; }

        public int Count
        {
            get { return Data.Length / ItemSize(Dtype); }
        }

        public bool IsFloat
        {
            get { return Dtype[0] == 'f'; }
        }

        /// <summary>Bytes per element of a dtype code; 0 for a code the protocol does not allow.</summary>
        public static int ItemSize(string dtype)
        {
            switch (dtype)
            {
                case "u1": case "i1": return 1;
                case "u2": case "f2": return 2;
                case "i4": case "f4": return 4;
                case "f8": return 8;
                default: return 0;
            }
        }

        /// <summary>Element <paramref name="index"/> (C order) as a double, exactly: float16 and float32 widen without loss.</summary>
        public double GetDouble(int index)
        {
            switch (Dtype)
            {
                case "u1": return Data[index];
                case "i1": return (sbyte)Data[index];
                case "u2": return ReadUInt16(index * 2);
                case "i4": return (int)ReadUInt32(index * 4);
                case "f2": return HalfToSingle(ReadUInt16(index * 2));
                case "f4": return BitConverter.ToSingle(BitConverter.GetBytes(ReadUInt32(index * 4)), 0);
                case "f8": return BitConverter.Int64BitsToDouble((long)ReadUInt64(index * 8));
                default: throw new InvalidOperationException("unknown dtype " + Dtype);
            }
        }

        public float[] ToFloats()
        {
            var values = new float[Count];
            for (int i = 0; i < values.Length; i++) values[i] = (float)GetDouble(i);
            return values;
        }

        public int[] ToInts()
        {
            if (IsFloat) throw new InvalidOperationException("a " + Dtype + " array holds no integers");
            var values = new int[Count];
            for (int i = 0; i < values.Length; i++) values[i] = (int)GetDouble(i);
            return values;
        }

        /// <summary>Whether every float element is finite (the wire allows no NaN or infinity).</summary>
        public bool AllFinite()
        {
            if (!IsFloat) return true;
            int count = Count;
            for (int i = 0; i < count; i++)
            {
                bool finite;
                if (Dtype == "f2") finite = (ReadUInt16(i * 2) & 0x7c00) != 0x7c00;
                else if (Dtype == "f4") finite = (ReadUInt32(i * 4) & 0x7f800000u) != 0x7f800000u;
                else finite = (ReadUInt64(i * 8) & 0x7ff0000000000000ul) != 0x7ff0000000000000ul;
                if (!finite) return false;
            }
            return true;
        }

        /// <summary>IEEE 754 binary16 to binary32, exactly (subnormals included).</summary>
        public static float HalfToSingle(ushort half)
        {
            int sign = (half >> 15) & 1;
            int exponent = (half >> 10) & 0x1f;
            int mantissa = half & 0x3ff;
            float magnitude;
            if (exponent == 0) magnitude = mantissa * (1f / 16777216f); // 2^-24 per subnormal step
            else if (exponent == 31) magnitude = mantissa == 0 ? float.PositiveInfinity : float.NaN;
            else magnitude = (1f + mantissa / 1024f) * (float)Math.Pow(2, exponent - 15);
            return sign == 1 ? -magnitude : magnitude;
        }

        ushort ReadUInt16(int offset)
        {
            return (ushort)(Data[offset] | (Data[offset + 1] << 8));
        }

        uint ReadUInt32(int offset)
        {
            return (uint)(Data[offset] | (Data[offset + 1] << 8) | (Data[offset + 2] << 16) | (Data[offset + 3] << 24));
        }

        ulong ReadUInt64(int offset)
        {
            return ReadUInt32(offset) | ((ulong)ReadUInt32(offset + 4) << 32);
        }
    }
}
