using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using HandMesh.Client.Core.Zmtp;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    /// <summary>The ZMTP client against a scripted peer on 127.0.0.1: what it sends, and how it refuses a peer it must not trust.
    /// (Interop with real libzmq is tests/test_unity_interop.py.)</summary>
    [TestFixture]
    public class ZmtpTests
    {
        const long Limit = 1024 * 1024;

        [Test]
        public void TheGreetingIsZmtp30WithTheNullMechanism()
        {
            byte[] greeting = ZmtpWire.Greeting();
            Assert.AreEqual(64, greeting.Length);
            Assert.AreEqual(new byte[] { 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0 }, Slice(greeting, 0, 12));
            Assert.AreEqual("NULL", Encoding.ASCII.GetString(greeting, 12, 20).TrimEnd('\0'));
            Assert.AreEqual(0, greeting[32]); // as-server: we are the client
        }

        [Test]
        public void FramesUseShortSizesUpTo255BytesAndLongOnesAbove()
        {
            Assert.AreEqual(new byte[] { 0x01, 255 }, ZmtpWire.FrameHeader(255, true, false));
            Assert.AreEqual(new byte[] { 0x06, 0, 0, 0, 0, 0, 0, 1, 0 }, ZmtpWire.FrameHeader(256, false, true));
        }

        [Test]
        public void ReadyMetadataRoundTrips()
        {
            var properties = new Dictionary<string, byte[]> { { "Socket-Type", Encoding.ASCII.GetBytes("DEALER") }, { "Identity", new byte[0] } };
            byte[] command = ZmtpWire.ReadyCommand(properties);
            Assert.AreEqual("READY", ZmtpWire.CommandName(command));
            Dictionary<string, byte[]> read = ZmtpWire.ReadyProperties(command);
            Assert.AreEqual("DEALER", Encoding.ASCII.GetString(read["socket-type"]));
            Assert.AreEqual(0, read["Identity"].Length);
        }

        [Test]
        public void EndpointsParseAndNonsenseIsRefused()
        {
            ZmtpEndpoint endpoint = ZmtpEndpoint.Parse("tcp://127.0.0.1:5556");
            Assert.AreEqual("127.0.0.1", endpoint.Host);
            Assert.AreEqual(5556, endpoint.Port);
            Assert.Throws<ArgumentException>(() => ZmtpEndpoint.Parse("ipc:///tmp/x"));
            Assert.Throws<ArgumentException>(() => ZmtpEndpoint.Parse("tcp://host:99999"));
        }

        [Test]
        [Timeout(10000)]
        public void ASubscriberHandshakesSubscribesAndReceivesATwoFrameMessage()
        {
            using (var peer = new ScriptedPeer("PUB"))
            using (ZmtpConnection connection = ZmtpConnection.Open(peer.Endpoint, "SUB", new[] { "PUB" }, 2000, Limit))
            {
                Assert.AreEqual("SUB", peer.ClientSocketType);
                Assert.AreEqual("PUB", connection.PeerSocketType);
                connection.Send(new[] { new byte[] { 1, (byte)'c' } });
                Assert.AreEqual(new byte[] { 0x00, 2, 1, (byte)'c' }, peer.Read(4));
                peer.Write(new byte[] { 0x01, 1, (byte)'c', 0x02, 0, 0, 0, 0, 0, 0, 1, 0 });
                peer.Write(new byte[256]);
                List<byte[]> message = connection.Receive(2000);
                Assert.AreEqual(2, message.Count);
                Assert.AreEqual(256, message[1].Length);
                Assert.IsNull(connection.Receive(10));
            }
        }

        [Test]
        [Timeout(10000)]
        public void AFrameOverTheLimitEndsTheConnectionWithoutAllocatingIt()
        {
            using (var peer = new ScriptedPeer("PUB"))
            using (ZmtpConnection connection = ZmtpConnection.Open(peer.Endpoint, "SUB", new[] { "PUB" }, 2000, Limit))
            {
                peer.Write(new byte[] { 0x02, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 }); // claims 1 TiB
                var error = Assert.Throws<ZmtpException>(() => connection.Receive(2000));
                StringAssert.Contains("exceeds the limit", error.Message);
            }
        }

        [Test]
        [Timeout(10000)]
        public void APeerOfTheWrongTypeOrWithCurveIsRefused()
        {
            using (var router = new ScriptedPeer("ROUTER"))
            {
                var error = Assert.Throws<ZmtpException>(() => ZmtpConnection.Open(router.Endpoint, "SUB", new[] { "PUB" }, 2000, Limit));
                StringAssert.Contains("cannot talk to a ROUTER", error.Message);
            }
            using (var curve = new ScriptedPeer("PUB", "CURVE"))
            {
                var error = Assert.Throws<ZmtpException>(() => ZmtpConnection.Open(curve.Endpoint, "SUB", new[] { "PUB" }, 2000, Limit));
                StringAssert.Contains("CURVE", error.Message);
            }
        }

        [Test]
        [Timeout(10000)]
        public void ASilentPeerTimesOutTheHandshake()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var endpoint = new ZmtpEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
                DateTime start = DateTime.UtcNow;
                Assert.That(() => ZmtpConnection.Open(endpoint, "SUB", new[] { "PUB" }, 300, Limit), Throws.InstanceOf<System.IO.IOException>());
                Assert.Less((DateTime.UtcNow - start).TotalMilliseconds, 3000);
            }
            finally
            {
                listener.Stop();
            }
        }

        [Test]
        [Timeout(10000)]
        public void AClientSocketWithoutAServerKeepsRetryingAndStopsPromptly()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop(); // a port with nobody on it
            var options = new ZmtpOptions { MinBackoffMs = 10, MaxBackoffMs = 20 };
            var socket = new ZmtpClientSocket(ZmtpClientSocket.Sub, new ZmtpEndpoint("127.0.0.1", port), options);
            socket.Start();
            // Waits for the first refused attempt rather than a fixed time: a busy machine may
            // not run the socket's thread within any particular number of milliseconds.
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (socket.LastError == null && DateTime.UtcNow < deadline)
                Thread.Sleep(10);
            Thread.Sleep(100); // several more retries
            Assert.AreEqual(0, socket.ConnectCount);
            Assert.IsNotNull(socket.LastError);
            Assert.IsFalse(socket.Send(new byte[] { 1 }));
            DateTime start = DateTime.UtcNow;
            socket.Dispose();
            Assert.Less((DateTime.UtcNow - start).TotalMilliseconds, 1000);
            Assert.AreEqual(ConnectionState.Stopped, socket.State);
        }

        static byte[] Slice(byte[] bytes, int start, int count)
        {
            var slice = new byte[count];
            Buffer.BlockCopy(bytes, start, slice, 0, count);
            return slice;
        }

        /// <summary>A one-connection ZMTP peer that completes the handshake as <c>socketType</c>, then does what the test writes.</summary>
        sealed class ScriptedPeer : IDisposable
        {
            readonly TcpListener listener = new TcpListener(IPAddress.Loopback, 0);
            readonly Thread thread;
            readonly string socketType, mechanism;
            NetworkStream stream;
            readonly ManualResetEvent handshaken = new ManualResetEvent(false);

            public ScriptedPeer(string socketType, string mechanism = "NULL")
            {
                this.socketType = socketType;
                this.mechanism = mechanism;
                listener.Start();
                Endpoint = new ZmtpEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);
                thread = new Thread(Serve) { IsBackground = true };
                thread.Start();
            }

            public ZmtpEndpoint Endpoint { get; private set; }

            // The client's Open returns once it has our READY, which can be before this
            // thread has read the client's: callers wait for the handshake to finish.
            public string ClientSocketType
            {
                get
                {
                    Assert.IsTrue(handshaken.WaitOne(5000), "no handshake");
                    return clientSocketType;
                }
            }

            string clientSocketType;

            void Serve()
            {
                TcpClient client = listener.AcceptTcpClient();
                stream = client.GetStream();
                byte[] greeting = ZmtpWire.Greeting();
                Encoding.ASCII.GetBytes(mechanism.PadRight(20, '\0'), 0, 20, greeting, 12);
                stream.Write(greeting, 0, greeting.Length);
                ReadExactly(64);
                byte[] ready = ZmtpWire.ReadyCommand(new Dictionary<string, byte[]> { { "Socket-Type", Encoding.ASCII.GetBytes(socketType) } });
                byte[] header = ZmtpWire.FrameHeader(ready.Length, false, true);
                stream.Write(header, 0, header.Length);
                stream.Write(ready, 0, ready.Length);
                byte[] clientHeader = ReadExactly(2);
                byte[] clientReady = ReadExactly(clientHeader[1]);
                clientSocketType = Encoding.ASCII.GetString(ZmtpWire.ReadyProperties(clientReady)["Socket-Type"]);
                handshaken.Set();
            }

            public byte[] Read(int count)
            {
                Assert.IsTrue(handshaken.WaitOne(5000), "no handshake");
                return ReadExactly(count);
            }

            byte[] ReadExactly(int count)
            {
                var bytes = new byte[count];
                for (int done = 0; done < count;)
                {
                    int read = stream.Read(bytes, done, count - done);
                    if (read <= 0) throw new System.IO.IOException("closed");
                    done += read;
                }
                return bytes;
            }

            public void Write(byte[] bytes)
            {
                Assert.IsTrue(handshaken.WaitOne(5000), "no handshake");
                stream.Write(bytes, 0, bytes.Length);
            }

            public void Dispose()
            {
                listener.Stop();
                if (stream != null) stream.Dispose();
            }
        }
    }
}
