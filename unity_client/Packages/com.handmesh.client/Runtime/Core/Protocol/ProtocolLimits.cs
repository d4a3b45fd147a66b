namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// The protocol version and the limits of PROTOCOL.md §8. They bound what one message can
    /// cost this client: the unpacker checks every length prefix against them (and against the
    /// bytes actually left) before it allocates anything.
    /// </summary>
    public static class ProtocolLimits
    {
        public const int Version = 1;
        public const int MaxMessageBytes = 16 * 1024 * 1024;
        public const int MaxImageBytes = 15 * 1024 * 1024;
        public const int MaxImageSide = 4096;
        public const int MaxIdChars = 128;
        public const int MaxTextChars = 2048;
        public const int MaxListItems = 64;
        public const int MaxMapKeys = 256;
        public const int MaxHands = 4;
        public const int MaxVertices = 65535;
        public const int MaxFaces = 262144;
        public const int SmallMessageBytes = 64 * 1024;
        public const int MaxContainers = 1024;

        /// <summary>A UTF-8 string holds at most four bytes per character.</summary>
        public const int MaxStringBytes = MaxTextChars * 4;

        /// <summary>No protocol message nests deeper than a few levels; this bound keeps a
        /// small message of nested one-item lists from exhausting the stack.</summary>
        public const int MaxNesting = 32;
    }
}
