using System;
using System.Collections.Generic;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// One received map, read field by field: a missing required field, or a field that
    /// fails its kind, becomes a <see cref="ProtocolException"/> whose path starts with the
    /// field's wire key. Absent and nil both mean "not given"; unknown keys are ignored.
    /// </summary>
    public sealed class FieldMap
    {
        readonly Dictionary<string, object> map;

        public FieldMap(object value)
        {
            map = WireKinds.Map(value);
        }

        public T Required<T>(string key, Func<object, T> kind)
        {
            object value;
            if (!map.TryGetValue(key, out value) || value == null)
                throw new ProtocolException("required field missing", ErrorCode.BadMessage, key);
            return Decode(key, value, kind);
        }

        public T Optional<T>(string key, Func<object, T> kind, T absent)
        {
            object value;
            if (!map.TryGetValue(key, out value) || value == null) return absent;
            return Decode(key, value, kind);
        }

        static T Decode<T>(string key, object value, Func<object, T> kind)
        {
            try
            {
                return kind(value);
            }
            catch (ProtocolException error)
            {
                throw error.Within(key);
            }
        }
    }
}
