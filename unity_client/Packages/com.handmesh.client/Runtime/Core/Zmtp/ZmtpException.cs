using System;

namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>A ZMTP peer broke the protocol, refused us, or sent more than we accept; the connection is dropped and retried.</summary>
    public sealed class ZmtpException : Exception
    {
        public ZmtpException(string message) : base(message)
        {
        }
    }
}
