using System;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>Error codes of PROTOCOL.md §7. Stable: receivers switch on them.</summary>
    public enum ErrorCode
    {
        BadMessage = 1,
        UnsupportedVersion = 2,
        UnknownType = 3,
        TooLarge = 4,
        BadImage = 5,
        UnexpectedType = 6,
        Internal = 7,
    }

    /// <summary>
    /// The one exception the decoder throws, whatever the bytes: what was wrong (<see cref="Detail"/>),
    /// the protocol's error code, and the wire path of the field at fault (PROTOCOL.md §3,
    /// e.g. <c>h[0].j</c>; empty when the message as a whole is at fault). The path is built
    /// while the exception travels up through the maps that hold the field.
    /// </summary>
    public sealed class ProtocolException : Exception
    {
        public ProtocolException(string detail, ErrorCode code = ErrorCode.BadMessage, string field = "")
            : base(detail)
        {
            Detail = detail;
            Code = code;
            Field = field;
        }

        public string Detail { get; private set; }
        public ErrorCode Code { get; private set; }
        public string Field { get; private set; }

        /// <summary>The code's symbolic name as on the wire, e.g. <c>BAD_IMAGE</c>.</summary>
        public string CodeName { get { return WireName(Code); } }

        public override string Message
        {
            get { return Field.Length == 0 ? Detail : Field + ": " + Detail; }
        }

        /// <summary>This error as seen from the map or list that holds the field under <paramref name="label"/>
        /// (a key, or an item label such as <c>[2]</c>).</summary>
        public ProtocolException Within(string label)
        {
            if (Field.Length == 0) Field = label;
            else Field = Field.StartsWith("[", StringComparison.Ordinal) ? label + Field : label + "." + Field;
            return this;
        }

        public static string WireName(ErrorCode code)
        {
            switch (code)
            {
                case ErrorCode.BadMessage: return "BAD_MESSAGE";
                case ErrorCode.UnsupportedVersion: return "UNSUPPORTED_VERSION";
                case ErrorCode.UnknownType: return "UNKNOWN_TYPE";
                case ErrorCode.TooLarge: return "TOO_LARGE";
                case ErrorCode.BadImage: return "BAD_IMAGE";
                case ErrorCode.UnexpectedType: return "UNEXPECTED_TYPE";
                case ErrorCode.Internal: return "INTERNAL";
                default: return "BAD_MESSAGE";
            }
        }
    }
}
