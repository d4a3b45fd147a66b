using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using HandMesh.Client.Core.Protocol;
using HandMesh.Client.Core.Zmtp;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>
    /// The client side of PROTOCOL.md §1, engine-free: a SUB socket for results (topic =
    /// stream id) and a DEALER socket for everything we send (hello, rig request, frames,
    /// acks, stats request) and the server's replies to it. Both reconnect by themselves; on
    /// every (re)connection the DEALER says hello and asks for the rig again.
    ///
    /// Threads: the two network threads decode what arrives (so the main thread does not pay
    /// for it) and hand results over newest-wins (<see cref="TryTakeResult"/>); replies land
    /// in properties the main thread reads. Malformed input is counted in
    /// <see cref="CorruptedMessages"/> and described in <see cref="LastProblem"/>; it never
    /// stops a thread.
    /// </summary>
    public sealed class HandMeshClient : IDisposable
    {
        public const string Software = "handmesh-unity 0.1.0";
        static readonly List<string> Capabilities = new List<string> { "vertices-f16", "vertices-f32", "rig", "acks" };

        readonly ClientSettings settings;
        readonly ZmtpClientSocket results;
        readonly ZmtpClientSocket requests;
        readonly LatestSlot<ReceivedResult> latest = new LatestSlot<ReceivedResult>();
        readonly byte[] streamTopic;
        volatile Hello serverHello;
        volatile Rig rig;
        volatile Stats stats;
        volatile ErrorReply lastError;
        volatile string lastProblem;
        long resultsReceived, corruptedMessages, errorsReceived;

        public HandMeshClient(ClientSettings settings)
        {
            this.settings = settings;
            streamTopic = Encoding.UTF8.GetBytes(settings.Stream);
            results = new ZmtpClientSocket(ZmtpClientSocket.Sub, ZmtpEndpoint.Parse(settings.PubEndpoint), settings.Zmtp);
            requests = new ZmtpClientSocket(ZmtpClientSocket.Dealer, ZmtpEndpoint.Parse(settings.RouterEndpoint), settings.Zmtp);
            results.MessageReceived += OnResult;
            requests.MessageReceived += OnReply;
            requests.Connected += OnRequestsConnected;
            results.Subscribe(settings.Stream);
        }

        public void Start()
        {
            results.Start();
            requests.Start();
        }

        public ConnectionState ResultsState { get { return results.State; } }
        public ConnectionState RequestsState { get { return requests.State; } }

        /// <summary>Connections made by each socket; above one means it reconnected after losing the server.</summary>
        public int ResultsConnects { get { return results.ConnectCount; } }
        public int RequestsConnects { get { return requests.ConnectCount; } }

        /// <summary>The server's hello (its model and rig ids), once it has answered ours.</summary>
        public Hello ServerHello { get { return serverHello; } }

        /// <summary>The newest rig the server sent; null until it has.</summary>
        public Rig Rig { get { return rig; } }

        public Stats LastStats { get { return stats; } }

        /// <summary>The server's latest refusal of something we sent.</summary>
        public ErrorReply LastError { get { return lastError; } }

        /// <summary>What was wrong with the latest malformed message we received, or why a socket last failed.</summary>
        public string LastProblem { get { return lastProblem ?? results.LastError ?? requests.LastError; } }

        public long ResultsReceived { get { return Interlocked.Read(ref resultsReceived); } }
        public long CorruptedMessages { get { return Interlocked.Read(ref corruptedMessages); } }
        public long ErrorsReceived { get { return Interlocked.Read(ref errorsReceived); } }

        /// <summary>Results overwritten by newer ones before the main thread took them.</summary>
        public long ResultsDropped { get { return latest.TotalOverwritten; } }

        /// <summary>The newest result since the last call, and how many newer-wins drops it replaced.</summary>
        public bool TryTakeResult(out ReceivedResult result, out int skipped)
        {
            return latest.TryTake(out result, out skipped);
        }

        /// <summary>Sends a camera frame; false when the server is not connected (the frame is not kept: it would be stale).</summary>
        public bool SendFrame(Frame frame)
        {
            return requests.Send(MessageEncoder.Encode(frame));
        }

        /// <summary>Tells the server a result was shown, with our receive and apply times.</summary>
        public bool SendAck(ReceivedResult result, long tApplyNs)
        {
            var ack = new Ack { Stream = result.Hands.Stream, Seq = result.Hands.Seq, TReceiveNs = result.TReceiveNs, TApplyNs = tApplyNs };
            return requests.Send(MessageEncoder.Encode(ack));
        }

        public bool RequestRig()
        {
            return requests.Send(MessageEncoder.Encode(new RigRequest()));
        }

        public bool RequestStats()
        {
            return requests.Send(MessageEncoder.Encode(new StatsRequest()));
        }

        void OnRequestsConnected()
        {
            var hello = new Hello { Role = "client", Software = Software, Capabilities = Capabilities, Name = settings.ClientName };
            requests.Send(MessageEncoder.Encode(hello));
            if (settings.RequestRig) RequestRig();
        }

        void OnResult(List<byte[]> frames)
        {
            long receivedNs = EngineClock.NowNs();
            if (frames.Count != 2)
            {
                Corrupted("a result of " + frames.Count + " frames (expected topic and message)");
                return;
            }
            if (streamTopic.Length > 0 && !SameBytes(frames[0], streamTopic)) return; // topics match by prefix: cam1 also gets cam10
            try
            {
                var hands = MessageDecoder.Decode(frames[1]) as Hands;
                if (hands == null)
                {
                    Corrupted("a message other than hands on the results socket");
                    return;
                }
                Interlocked.Increment(ref resultsReceived);
                latest.Put(new ReceivedResult(hands, receivedNs));
            }
            catch (ProtocolException error)
            {
                Corrupted("result refused: " + error.Message);
            }
        }

        void OnReply(List<byte[]> frames)
        {
            if (frames.Count != 1)
            {
                Corrupted("a reply of " + frames.Count + " frames (expected one)");
                return;
            }
            Message message;
            try
            {
                message = MessageDecoder.Decode(frames[0]);
            }
            catch (ProtocolException error)
            {
                Corrupted("reply refused: " + error.Message);
                return;
            }
            if (message is Hello) serverHello = (Hello)message;
            else if (message is Rig) rig = (Rig)message;
            else if (message is Stats) stats = (Stats)message;
            else if (message is ErrorReply)
            {
                lastError = (ErrorReply)message;
                Interlocked.Increment(ref errorsReceived);
            }
            else Corrupted("an unexpected " + message.Type + " message from the server");
        }

        void Corrupted(string problem)
        {
            lastProblem = problem;
            Interlocked.Increment(ref corruptedMessages);
        }

        static bool SameBytes(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) return false;
            }
            return true;
        }

        public void Dispose()
        {
            results.Dispose();
            requests.Dispose();
        }
    }
}
