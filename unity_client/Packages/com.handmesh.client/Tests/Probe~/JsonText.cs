using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace HandMesh.Client.Probe
{
    /// <summary>A minimal JSON writer for the probe's answers: objects as ordered key/value pairs, doubles in round-trip form.</summary>
    public static class JsonText
    {
        public static string Write(object value)
        {
            var text = new StringBuilder();
            Append(text, value);
            return text.ToString();
        }

        static void Append(StringBuilder text, object value)
        {
            if (value == null) text.Append("null");
            else if (value is bool) text.Append((bool)value ? "true" : "false");
            else if (value is string) AppendString(text, (string)value);
            else if (value is double) AppendDouble(text, (double)value);
            else if (value is float) AppendDouble(text, (float)value);
            else if (value is int || value is long || value is ulong) text.Append(System.Convert.ToString(value, CultureInfo.InvariantCulture));
            else if (value is List<KeyValuePair<string, object>>)
            {
                text.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object> entry in (List<KeyValuePair<string, object>>)value)
                {
                    if (!first) text.Append(',');
                    first = false;
                    AppendString(text, entry.Key);
                    text.Append(':');
                    Append(text, entry.Value);
                }
                text.Append('}');
            }
            else if (value is System.Collections.IEnumerable)
            {
                text.Append('[');
                bool first = true;
                foreach (object item in (System.Collections.IEnumerable)value)
                {
                    if (!first) text.Append(',');
                    first = false;
                    Append(text, item);
                }
                text.Append(']');
            }
            else throw new System.ArgumentException("no JSON form for " + value.GetType().Name);
        }

        static void AppendDouble(StringBuilder text, double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) text.Append("null");
            else text.Append(value.ToString("R", CultureInfo.InvariantCulture));
        }

        static void AppendString(StringBuilder text, string value)
        {
            text.Append('"');
            foreach (char c in value)
            {
                if (c == '"' || c == '\\') text.Append('\\').Append(c);
                else if (c < 0x20) text.AppendFormat("\\u{0:x4}", (int)c);
                else text.Append(c);
            }
            text.Append('"');
        }
    }

    /// <summary>An ordered JSON object under construction.</summary>
    public sealed class JsonObject : List<KeyValuePair<string, object>>
    {
        public JsonObject With(string key, object value)
        {
            Add(new KeyValuePair<string, object>(key, value));
            return this;
        }
    }
}
