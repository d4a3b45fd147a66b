namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// A JPEG's width and height, read from its frame header without decoding a pixel, so a
    /// file that claims a small size cannot decompress to a huge one (PROTOCOL.md §4, image).
    /// </summary>
    public static class JpegHeader
    {
        /// <summary>Real files carry a handful of segments before the frame header; the bound keeps a
        /// file of millions of tiny segments cheap to refuse.</summary>
        public const int MaxSegments = 256;

        const int StartOfScan = 0xda;
        const int EndOfImage = 0xd9;

        /// <summary>(width, height) in pixels; <see cref="ErrorCode.BadImage"/> when the data is no JPEG or has no readable frame header.</summary>
        public static void ReadSize(byte[] data, out int width, out int height)
        {
            if (data.Length < 2 || data[0] != 0xff || data[1] != 0xd8)
                throw new ProtocolException("not JPEG data (no start-of-image marker)", ErrorCode.BadImage);
            int position = 2;
            for (int segment = 0; segment < MaxSegments; segment++)
            {
                if (position + 4 > data.Length) break;
                if (data[position] != 0xff) throw new ProtocolException("JPEG: no marker at byte " + position, ErrorCode.BadImage);
                int marker = data[position + 1];
                if (marker == 0xff)
                {
                    position += 1; // a fill byte before the marker
                    continue;
                }
                if (IsStandalone(marker))
                {
                    position += 2;
                    continue;
                }
                if (marker == StartOfScan || marker == EndOfImage) break;
                int length = (data[position + 2] << 8) | data[position + 3];
                if (IsStartOfFrame(marker))
                {
                    int available = data.Length - (position + 4);
                    if (length < 8 || available < 6) throw new ProtocolException("JPEG: truncated frame header", ErrorCode.BadImage);
                    height = (data[position + 5] << 8) | data[position + 6];
                    width = (data[position + 7] << 8) | data[position + 8];
                    if (width == 0 || height == 0) throw new ProtocolException("JPEG: frame header without a size", ErrorCode.BadImage);
                    return;
                }
                if (length < 2) throw new ProtocolException("JPEG: bad segment length at byte " + position, ErrorCode.BadImage);
                position += 2 + length;
            }
            throw new ProtocolException("JPEG: no frame header before the image data", ErrorCode.BadImage);
        }

        /// <summary>Baseline, extended, progressive and lossless frames, Huffman or arithmetic: C0–CF but DHT, JPG and DAC.</summary>
        static bool IsStartOfFrame(int marker)
        {
            return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
        }

        /// <summary>Markers without a length field: TEM and the restart markers.</summary>
        static bool IsStandalone(int marker)
        {
            return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7);
        }
    }
}
