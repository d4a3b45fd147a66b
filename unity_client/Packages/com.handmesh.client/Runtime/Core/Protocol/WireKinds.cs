using System;
using System.Collections.Generic;
using System.Globalization;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// Checks one unpacked value against a kind of PROTOCOL.md §3/§4 (id, text, integer,
    /// number, binary, array, list, id-keyed map) and returns it typed. Errors name no
    /// field: the map that holds the value adds its key (<see cref="FieldMap"/>).
    /// </summary>
    public static class WireKinds
    {
        public static string Text(object value, int maxChars, int minChars, params string[] choices)
        {
            var text = value as string;
            if (text == null) throw Expected("a string", value);
            int chars = CodePoints(text);
            if (chars > maxChars)
                throw new ProtocolException(string.Format("{0} characters exceed the limit of {1}", chars, maxChars), ErrorCode.TooLarge);
            if (chars < minChars) throw new ProtocolException(string.Format("must have at least {0} character(s)", minChars));
            if (choices.Length > 0 && System.Array.IndexOf(choices, text) < 0)
                throw new ProtocolException(string.Format("'{0}' is not one of {1}", Shorten(text), string.Join(", ", choices)));
            return text;
        }

        /// <summary>An id: 1 to 128 characters.</summary>
        public static string Id(object value)
        {
            return Text(value, ProtocolLimits.MaxIdChars, 1);
        }

        /// <summary>An integer in [low, high]; above high is TOO_LARGE when high is a limit rather than a range.</summary>
        public static ulong Integer(object value, ulong low, ulong high, bool highIsLimit = false)
        {
            if (value is long)
            {
                long signed = (long)value;
                if (signed < 0 || (ulong)signed < low) throw OutOfRange(signed.ToString(CultureInfo.InvariantCulture), low, high);
                return CheckHigh((ulong)signed, low, high, highIsLimit);
            }
            if (value is ulong) return CheckHigh((ulong)value, low, high, highIsLimit);
            throw Expected("an integer", value);
        }

        public static long NonNegative(object value)
        {
            return (long)Integer(value, 0, long.MaxValue);
        }

        public static ulong Seq(object value)
        {
            return Integer(value, 0, ulong.MaxValue);
        }

        /// <summary>A finite number in [low, high]: a float, or an integer taken as one.</summary>
        public static double Number(object value, double low = double.NegativeInfinity, double high = double.PositiveInfinity)
        {
            double number;
            if (value is double) number = (double)value;
            else if (value is long) number = (long)value;
            else if (value is ulong) number = (ulong)value;
            else throw Expected("a number", value);
            if (double.IsNaN(number) || double.IsInfinity(number) || number < low || number > high)
                throw new ProtocolException(string.Format(CultureInfo.InvariantCulture,
                    "expected a finite number in [{0}, {1}], got {2}", low, high, number));
            return number;
        }

        public static byte[] Binary(object value, int maxBytes, int minBytes = 1)
        {
            var bytes = value as byte[];
            if (bytes == null) throw Expected("binary data", value);
            if (bytes.Length > maxBytes)
                throw new ProtocolException(string.Format("{0} bytes exceed the limit of {1}", bytes.Length, maxBytes), ErrorCode.TooLarge);
            if (bytes.Length < minBytes) throw new ProtocolException(string.Format("must have at least {0} byte(s)", minBytes));
            return bytes;
        }

        /// <summary>
        /// An array map of one of <paramref name="dtypes"/> and of <paramref name="shape"/>
        /// (a first entry of -1: any number of rows, at most <paramref name="maxRows"/>);
        /// its bytes must match dtype × shape and its floats be finite.
        /// </summary>
        public static WireArray Array(object value, string[] dtypes, int[] shape, int maxRows = int.MaxValue)
        {
            var map = value as Dictionary<string, object>;
            if (map == null) throw new ProtocolException("expected an array map {dt, sh, b}, got " + KindOf(value));
            object code, dims, data;
            map.TryGetValue("dt", out code);
            map.TryGetValue("sh", out dims);
            map.TryGetValue("b", out data);
            if (!map.ContainsKey("dt") || !map.ContainsKey("sh") || !map.ContainsKey("b"))
                throw new ProtocolException("array map without dt, sh or b");
            var dtype = code as string;
            if (dtype == null || System.Array.IndexOf(dtypes, dtype) < 0)
                throw new ProtocolException(string.Format("dtype {0} not allowed here (allowed: {1})", Show(code), string.Join(", ", dtypes)));
            var bytes = data as byte[];
            if (bytes == null) throw new ProtocolException("array data must be binary, got " + KindOf(data));
            var dimList = dims as List<object>;
            if (dimList == null || dimList.Count != shape.Length)
                throw new ProtocolException("expected shape " + ShapeText(shape) + ", got " + Show(dims));
            var sizes = new int[dimList.Count];
            long count = 1;
            for (int i = 0; i < sizes.Length; i++)
            {
                object size = dimList[i];
                if (!(size is long) || (long)size < 0) throw new ProtocolException("shape must be non-negative integers");
                // A size beyond the bytes there cannot match; capping keeps the product from overflowing.
                long capped = Math.Min((long)size, (long)bytes.Length + 1);
                sizes[i] = (int)capped;
                count = Math.Min(count * capped, (long)bytes.Length + 1);
            }
            int itemSize = WireArray.ItemSize(dtype);
            if (count * itemSize != bytes.Length)
                throw new ProtocolException(string.Format("shape {0} of {1} does not match {2} bytes", ShapeText(sizes), dtype, bytes.Length));
            for (int i = 0; i < shape.Length; i++)
            {
                if (shape[i] >= 0 && sizes[i] != shape[i])
                    throw new ProtocolException("expected shape " + ShapeText(shape) + ", got " + ShapeText(sizes));
            }
            var array = new WireArray(dtype, sizes, bytes);
            if (!array.AllFinite()) throw new ProtocolException("contains NaN or infinite values");
            if (sizes.Length > 0 && sizes[0] > maxRows)
                throw new ProtocolException(string.Format("{0} rows exceed the limit of {1}", sizes[0], maxRows), ErrorCode.TooLarge);
            return array;
        }

        public static List<T> ListOf<T>(object value, Func<object, T> item, int maxItems = ProtocolLimits.MaxListItems, int minItems = 0)
        {
            var list = value as List<object>;
            if (list == null) throw Expected("an array", value);
            if (list.Count > maxItems)
                throw new ProtocolException(string.Format("{0} items exceed the limit of {1}", list.Count, maxItems), ErrorCode.TooLarge);
            if (list.Count < minItems) throw new ProtocolException(string.Format("expected at least {0} items, got {1}", minItems, list.Count));
            var items = new List<T>(list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                try
                {
                    items.Add(item(list[i]));
                }
                catch (ProtocolException error)
                {
                    throw error.Within("[" + i + "]");
                }
            }
            return items;
        }

        /// <summary>A map from ids to values of one kind (stage durations, streams).</summary>
        public static Dictionary<string, T> MapOf<T>(object value, Func<object, T> item, int maxItems = ProtocolLimits.MaxListItems)
        {
            var map = value as Dictionary<string, object>;
            if (map == null) throw Expected("a map", value);
            if (map.Count > maxItems)
                throw new ProtocolException(string.Format("{0} entries exceed the limit of {1}", map.Count, maxItems), ErrorCode.TooLarge);
            var decoded = new Dictionary<string, T>(map.Count, StringComparer.Ordinal);
            foreach (KeyValuePair<string, object> entry in map)
            {
                try
                {
                    decoded[Id(entry.Key)] = item(entry.Value);
                }
                catch (ProtocolException error)
                {
                    throw error.Within("['" + Shorten(entry.Key) + "']");
                }
            }
            return decoded;
        }

        public static Dictionary<string, object> Map(object value)
        {
            var map = value as Dictionary<string, object>;
            if (map == null) throw Expected("a map", value);
            return map;
        }

        /// <summary>A received value's msgpack kind, for error messages.</summary>
        public static string KindOf(object value)
        {
            if (value == null) return "nil";
            if (value is bool) return "bool";
            if (value is long || value is ulong) return "int";
            if (value is double) return "float";
            if (value is string) return "str";
            if (value is byte[]) return "bin";
            if (value is List<object>) return "array";
            if (value is Dictionary<string, object>) return "map";
            return value.GetType().Name;
        }

        public static string ShapeText(int[] shape)
        {
            var sizes = new string[shape.Length];
            for (int i = 0; i < shape.Length; i++) sizes[i] = shape[i] < 0 ? "N" : shape[i].ToString(CultureInfo.InvariantCulture);
            return sizes.Length == 1 ? "(" + sizes[0] + ",)" : "(" + string.Join(", ", sizes) + ")";
        }

        static ulong CheckHigh(ulong value, ulong low, ulong high, bool highIsLimit)
        {
            if (value > high && highIsLimit)
                throw new ProtocolException(string.Format("{0} exceeds the limit of {1}", value, high), ErrorCode.TooLarge);
            if (value < low || value > high) throw OutOfRange(value.ToString(CultureInfo.InvariantCulture), low, high);
            return value;
        }

        static ProtocolException OutOfRange(string value, ulong low, ulong high)
        {
            return new ProtocolException(string.Format("{0} outside [{1}, {2}]", value, low, high));
        }

        static ProtocolException Expected(string what, object value)
        {
            return new ProtocolException("expected " + what + ", got " + KindOf(value));
        }

        static string Show(object value)
        {
            var text = value as string;
            return text != null ? "'" + Shorten(text) + "'" : KindOf(value);
        }

        /// <summary>A peer's string cut short for an error message: error texts have a length limit.</summary>
        static string Shorten(string text)
        {
            return text.Length <= 40 ? text : text.Substring(0, 37) + "...";
        }

        /// <summary>Characters as the protocol counts them: Unicode code points, not UTF-16 units.</summary>
        static int CodePoints(string text)
        {
            int count = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (!char.IsLowSurrogate(text[i])) count++;
            }
            return count;
        }
    }
}
