namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// An image's bytes must be what its map declares (PROTOCOL.md §4, image): a raw image
    /// has exactly width × height × channels bytes; a JPEG's own frame header gives exactly
    /// the declared size, checked before any pixel is decoded.
    /// </summary>
    public static class ImageRules
    {
        public static int Channels(string pixelFormat)
        {
            return pixelFormat == "gray8" ? 1 : 3;
        }

        public static void Check(Image image)
        {
            if (image.Format == "raw")
            {
                if (image.PixelFormat == null)
                    throw new ProtocolException("required field missing for a raw image", ErrorCode.BadMessage, "pix");
                long expected = (long)image.Width * image.Height * Channels(image.PixelFormat);
                if (image.Data.Length != expected)
                    throw new ProtocolException(string.Format("{0} bytes for a {1}×{2} {3} image (expected {4})",
                        image.Data.Length, image.Width, image.Height, image.PixelFormat, expected), ErrorCode.BadImage, "d");
                return;
            }
            if (image.PixelFormat != null)
                throw new ProtocolException("only a raw image has a pixel format", ErrorCode.BadMessage, "pix");
            int width, height;
            try
            {
                JpegHeader.ReadSize(image.Data, out width, out height);
            }
            catch (ProtocolException error)
            {
                throw error.Within("d");
            }
            if (width != image.Width || height != image.Height)
                throw new ProtocolException(string.Format("the JPEG is {0}×{1}, declared {2}×{3}",
                    width, height, image.Width, image.Height), ErrorCode.BadImage, "d");
        }
    }
}
