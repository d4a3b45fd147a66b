using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>
    /// One TCP connection to a ZeroMQ peer after the ZMTP handshake (greeting, then READY
    /// both ways, NULL security). Sends and receives whole multipart messages. Every blocking
    /// call has a timeout: connecting and the handshake take at most the connect timeout,
    /// a receive waits at most its own argument for a message to start and the I/O timeout
    /// for the rest of it. A frame over the size limit ends the connection before anything is
    /// allocated for it, so a broken or hostile peer cannot make us allocate without bound.
    /// </summary>
    public sealed class ZmtpConnection : IDisposable
    {
        const int MaxFramesPerMessage = 16;

        readonly Socket socket;
        readonly NetworkStream stream;
        readonly object sendLock = new object();
        readonly long maxMessageBytes;

        ZmtpConnection(Socket socket, long maxMessageBytes)
        {
            this.socket = socket;
            stream = new NetworkStream(socket, true);
            this.maxMessageBytes = maxMessageBytes;
        }

        /// <summary>The peer's Socket-Type from its READY command, e.g. PUB or ROUTER.</summary>
        public string PeerSocketType { get; private set; }

        /// <summary>Connects and completes the handshake as a <paramref name="socketType"/> socket; the peer must be one of <paramref name="acceptedPeerTypes"/>.</summary>
        public static ZmtpConnection Open(ZmtpEndpoint endpoint, string socketType, string[] acceptedPeerTypes,
            int timeoutMs, long maxMessageBytes)
        {
            Socket socket = ConnectTcp(endpoint, timeoutMs);
            var connection = new ZmtpConnection(socket, maxMessageBytes);
            try
            {
                connection.Handshake(socketType, acceptedPeerTypes);
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        static Socket ConnectTcp(ZmtpEndpoint endpoint, int timeoutMs)
        {
            IPAddress address;
            if (!IPAddress.TryParse(endpoint.Host, out address)) address = Dns.GetHostAddresses(endpoint.Host)[0];
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                IAsyncResult pending = socket.BeginConnect(address, endpoint.Port, null, null);
                if (!pending.AsyncWaitHandle.WaitOne(timeoutMs))
                    throw new TimeoutException("no connection to " + endpoint + " within " + timeoutMs + " ms");
                socket.EndConnect(pending);
                socket.NoDelay = true; // results are small and latency-bound
                socket.SendTimeout = timeoutMs;
                socket.ReceiveTimeout = timeoutMs;
                return socket;
            }
            catch
            {
                socket.Close();
                throw;
            }
        }

        void Handshake(string socketType, string[] acceptedPeerTypes)
        {
            byte[] greeting = ZmtpWire.Greeting();
            stream.Write(greeting, 0, greeting.Length);
            var peerGreeting = new byte[ZmtpWire.GreetingSize];
            ReadExactly(peerGreeting, ZmtpWire.GreetingSize);
            ZmtpWire.CheckGreeting(peerGreeting);
            var properties = new Dictionary<string, byte[]> { { "Socket-Type", Encoding.ASCII.GetBytes(socketType) } };
            WriteFrame(ZmtpWire.ReadyCommand(properties), false, true);
            bool isCommand, more;
            byte[] ready = ReadFrame(out isCommand, out more);
            if (!isCommand) throw new ZmtpException("the peer sent a message before its READY command");
            string name = ZmtpWire.CommandName(ready);
            if (name == "ERROR") throw new ZmtpException("the peer refused the handshake: " + ErrorReason(ready));
            if (name != "READY") throw new ZmtpException("expected READY from the peer, got " + name);
            byte[] peerType;
            ZmtpWire.ReadyProperties(ready).TryGetValue("Socket-Type", out peerType);
            PeerSocketType = peerType == null ? "" : Encoding.ASCII.GetString(peerType);
            if (Array.IndexOf(acceptedPeerTypes, PeerSocketType) < 0)
                throw new ZmtpException("a " + socketType + " socket cannot talk to a " + PeerSocketType + " socket");
        }

        /// <summary>Sends one multipart message; thread-safe.</summary>
        public void Send(IList<byte[]> frames)
        {
            lock (sendLock)
            {
                for (int i = 0; i < frames.Count; i++) WriteFrame(frames[i], i + 1 < frames.Count, false);
            }
        }

        /// <summary>
        /// The next message's frames, or null when none starts within <paramref name="waitMs"/>.
        /// Commands between messages are handled here (PING is answered); an ERROR command
        /// or a closed connection throws.
        /// </summary>
        public List<byte[]> Receive(int waitMs)
        {
            var frames = new List<byte[]>();
            long total = 0;
            while (true)
            {
                if (frames.Count == 0 && !socket.Poll(waitMs * 1000, SelectMode.SelectRead)) return null;
                bool isCommand, more;
                byte[] frame = ReadFrame(out isCommand, out more);
                if (isCommand)
                {
                    HandleCommand(frame);
                    if (frames.Count == 0) continue;
                    throw new ZmtpException("a command inside a multipart message");
                }
                total += frame.Length;
                if (total > maxMessageBytes) throw new ZmtpException("a message over " + maxMessageBytes + " bytes");
                frames.Add(frame);
                if (!more) return frames;
                if (frames.Count >= MaxFramesPerMessage) throw new ZmtpException("a message of more than " + MaxFramesPerMessage + " frames");
            }
        }

        void HandleCommand(byte[] command)
        {
            string name = ZmtpWire.CommandName(command);
            if (name == "ERROR") throw new ZmtpException("the peer closed with an error: " + ErrorReason(command));
            if (name == "PING")
            {
                // ZMTP 3.1 heartbeat: PING has a 2-byte TTL, then a context the PONG echoes.
                int contextStart = Math.Min(command.Length, 1 + command[0] + 2);
                var pong = new byte[5 + command.Length - contextStart];
                pong[0] = 4;
                Encoding.ASCII.GetBytes("PONG", 0, 4, pong, 1);
                Buffer.BlockCopy(command, contextStart, pong, 5, command.Length - contextStart);
                lock (sendLock) WriteFrame(pong, false, true);
            }
            // Other commands (PONG, SUBSCRIBE on a socket that does not take them) need nothing from us.
        }

        static string ErrorReason(byte[] command)
        {
            int start = 1 + command[0];
            if (start >= command.Length) return "(no reason given)";
            int length = Math.Min(command[start], command.Length - start - 1);
            return Encoding.ASCII.GetString(command, start + 1, length);
        }

        void WriteFrame(byte[] body, bool more, bool command)
        {
            byte[] header = ZmtpWire.FrameHeader(body.Length, more, command);
            stream.Write(header, 0, header.Length);
            stream.Write(body, 0, body.Length);
        }

        byte[] ReadFrame(out bool isCommand, out bool more)
        {
            var flagsAndSize = new byte[2];
            ReadExactly(flagsAndSize, 2);
            byte flags = flagsAndSize[0];
            if ((flags & ~(ZmtpWire.FlagMore | ZmtpWire.FlagLong | ZmtpWire.FlagCommand)) != 0)
                throw new ZmtpException(string.Format("a frame with reserved flag bits set (0x{0:x2})", flags));
            isCommand = (flags & ZmtpWire.FlagCommand) != 0;
            more = (flags & ZmtpWire.FlagMore) != 0;
            long size = flagsAndSize[1];
            if ((flags & ZmtpWire.FlagLong) != 0)
            {
                var rest = new byte[7];
                ReadExactly(rest, 7);
                for (int i = 0; i < 7; i++) size = (size << 8) | rest[i];
                if (size < 0 || size > maxMessageBytes)
                    throw new ZmtpException("a frame of " + (ulong)size + " bytes exceeds the limit of " + maxMessageBytes);
            }
            var body = new byte[size];
            ReadExactly(body, (int)size);
            return body;
        }

        void ReadExactly(byte[] buffer, int count)
        {
            int done = 0;
            while (done < count)
            {
                int read = stream.Read(buffer, done, count - done);
                if (read <= 0) throw new IOException("the peer closed the connection");
                done += read;
            }
        }

        public void Dispose()
        {
            stream.Dispose(); // owns the socket: closes it, which also ends a blocked read
        }
    }
}
