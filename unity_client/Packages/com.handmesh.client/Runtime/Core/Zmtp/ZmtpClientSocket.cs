using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>
    /// A connecting ZeroMQ socket of one kind — SUB (results from the server's PUB) or DEALER
    /// (requests to its ROUTER) — that keeps itself connected: a background thread connects,
    /// hands every received message to <see cref="MessageReceived"/>, and after a failure or
    /// a lost connection waits (100 ms doubling to 4 s by default) and connects again, as
    /// libzmq does. Messages sent while disconnected are not queued: <see cref="Send"/> says
    /// false, and the caller decides (a stale camera frame is worth nothing; hello is re-sent
    /// from <see cref="Connected"/>). The thread is a background thread, so it never keeps
    /// a player or the Editor from quitting.
    /// </summary>
    public sealed class ZmtpClientSocket : IDisposable
    {
        public const string Sub = "SUB";
        public const string Dealer = "DEALER";

        readonly string kind;
        readonly string[] acceptedPeers;
        readonly ZmtpEndpoint endpoint;
        readonly ZmtpOptions options;
        readonly List<byte[]> subscriptions = new List<byte[]>();
        readonly ManualResetEvent stopping = new ManualResetEvent(false);
        Thread thread;
        volatile ZmtpConnection connection;
        volatile int state = (int)ConnectionState.Stopped;
        int connects;

        public ZmtpClientSocket(string kind, ZmtpEndpoint endpoint, ZmtpOptions options)
        {
            if (kind == Sub) acceptedPeers = new[] { "PUB", "XPUB" };
            else if (kind == Dealer) acceptedPeers = new[] { "ROUTER", "DEALER" };
            else throw new ArgumentException("this client speaks SUB and DEALER, not " + kind);
            this.kind = kind;
            this.endpoint = endpoint;
            this.options = options;
        }

        /// <summary>Every received message's frames; runs on the network thread.</summary>
        public event Action<List<byte[]>> MessageReceived;

        /// <summary>After each successful handshake (subscriptions already sent); runs on the network thread.</summary>
        public event Action Connected;

        public ConnectionState State
        {
            get { return (ConnectionState)state; }
        }

        /// <summary>Successful connections so far; more than one means the socket has reconnected.</summary>
        public int ConnectCount
        {
            get { return Volatile.Read(ref connects); }
        }

        /// <summary>Why the last connection failed or ended, for the HUD and logs.</summary>
        public string LastError { get; private set; }

        /// <summary>SUB only: receive messages whose first frame starts with <paramref name="topic"/> (prefix match; "" is everything).</summary>
        public void Subscribe(string topic)
        {
            if (kind != Sub) throw new InvalidOperationException("only a SUB socket subscribes");
            byte[] request = SubscribeMessage(topic);
            lock (subscriptions) subscriptions.Add(request);
            Send(request);
        }

        public void Start()
        {
            if (thread != null) throw new InvalidOperationException("already started");
            thread = new Thread(Run) { IsBackground = true, Name = "HandMesh " + kind + " " + endpoint };
            state = (int)ConnectionState.Connecting;
            thread.Start();
        }

        /// <summary>Sends one message (its frames) if connected; false if not, or if the connection just failed.</summary>
        public bool Send(params byte[][] frames)
        {
            ZmtpConnection current = connection;
            if (current == null) return false;
            try
            {
                current.Send(frames);
                return true;
            }
            catch (Exception error)
            {
                if (!(error is IOException || error is SocketException || error is ObjectDisposedException)) throw;
                LastError = error.Message;
                current.Dispose(); // the network thread sees the closed connection and reconnects
                return false;
            }
        }

        void Run()
        {
            int backoffMs = options.MinBackoffMs;
            while (!stopping.WaitOne(0))
            {
                state = (int)ConnectionState.Connecting;
                try
                {
                    connection = ZmtpConnection.Open(endpoint, kind, acceptedPeers, options.ConnectTimeoutMs, options.MaxMessageBytes);
                    Interlocked.Increment(ref connects);
                    lock (subscriptions)
                    {
                        foreach (byte[] request in subscriptions) connection.Send(new[] { request });
                    }
                    state = (int)ConnectionState.Connected;
                    backoffMs = options.MinBackoffMs;
                    Action connected = Connected;
                    if (connected != null) connected();
                    ReceiveUntilStoppedOrLost();
                }
                catch (Exception error)
                {
                    if (!IsConnectionFailure(error)) throw;
                    LastError = error.Message;
                }
                finally
                {
                    ZmtpConnection lost = connection;
                    connection = null;
                    if (lost != null) lost.Dispose();
                }
                if (stopping.WaitOne(0)) break;
                state = (int)ConnectionState.WaitingToRetry;
                stopping.WaitOne(backoffMs);
                backoffMs = Math.Min(backoffMs * 2, options.MaxBackoffMs);
            }
            state = (int)ConnectionState.Stopped;
        }

        void ReceiveUntilStoppedOrLost()
        {
            while (!stopping.WaitOne(0))
            {
                List<byte[]> message = connection.Receive(options.PollMs);
                if (message == null) continue;
                Action<List<byte[]>> received = MessageReceived;
                if (received != null) received(message);
            }
        }

        static bool IsConnectionFailure(Exception error)
        {
            return error is IOException || error is SocketException || error is ZmtpException
                || error is TimeoutException || error is ObjectDisposedException;
        }

        /// <summary>A ZMTP 3.0 subscription: a message of 0x01 followed by the topic.</summary>
        static byte[] SubscribeMessage(string topic)
        {
            byte[] name = Encoding.UTF8.GetBytes(topic);
            var request = new byte[name.Length + 1];
            request[0] = 1;
            Buffer.BlockCopy(name, 0, request, 1, name.Length);
            return request;
        }

        /// <summary>Stops the network thread within about one poll interval and closes the connection.</summary>
        public void Dispose()
        {
            stopping.Set();
            ZmtpConnection current = connection;
            if (current != null) current.Dispose();
            if (thread != null && !thread.Join(options.ConnectTimeoutMs + options.PollMs + 1000))
                LastError = "the network thread did not stop in time";
            state = (int)ConnectionState.Stopped;
        }
    }
}
