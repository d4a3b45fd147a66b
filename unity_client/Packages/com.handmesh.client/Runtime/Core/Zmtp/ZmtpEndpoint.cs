using System;
using System.Globalization;

namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>A ZeroMQ TCP endpoint, <c>tcp://host:port</c> (the only transport this client speaks).</summary>
    public sealed class ZmtpEndpoint
    {
        public ZmtpEndpoint(string host, int port)
        {
            Host = host;
            Port = port;
        }

        public string Host { get; private set; }
        public int Port { get; private set; }

        public static ZmtpEndpoint Parse(string address)
        {
            const string scheme = "tcp://";
            if (address == null || !address.StartsWith(scheme, StringComparison.Ordinal))
                throw new ArgumentException("expected an endpoint like tcp://127.0.0.1:5556, got '" + address + "'");
            string rest = address.Substring(scheme.Length);
            int colon = rest.LastIndexOf(':');
            int port;
            if (colon <= 0 || !int.TryParse(rest.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
                || port < 1 || port > 65535)
                throw new ArgumentException("expected host:port after tcp:// in '" + address + "'");
            return new ZmtpEndpoint(rest.Substring(0, colon).Trim('[', ']'), port);
        }

        public override string ToString()
        {
            return "tcp://" + Host + ":" + Port;
        }
    }
}
