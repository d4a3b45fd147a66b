using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using HandMesh.Client.Core.Protocol;
using HandMesh.Client.Core.Streaming;

namespace HandMesh.Client.Probe
{
    /// <summary>
    /// client --router R --pub P --stream S --seconds T [--jpeg FILE --width W --height H --frame-ms MS] [--ack 1]:
    /// runs <see cref="HandMeshClient"/> against real servers for pytest, as the engine layer
    /// would (a main loop that takes the newest result and acknowledges it), and reports in
    /// JSON lines: hello, rig, each result taken (seq and SHA-1 of its re-encoded bytes),
    /// error replies, and a status line every 200 ms. With --jpeg it is also the camera:
    /// a frame of stream S every MS milliseconds.
    /// </summary>
    public static class ClientProbe
    {
        public static int Run(string[] args)
        {
            Dictionary<string, string> options = ProbeMain.Options(args);
            var settings = new ClientSettings
            {
                RouterEndpoint = options["router"],
                PubEndpoint = options["pub"],
                Stream = options["stream"],
                ClientName = "probe",
            };
            settings.Zmtp.MaxBackoffMs = 500; // tests restart servers and should not wait long
            double seconds = double.Parse(options["seconds"], CultureInfo.InvariantCulture);
            string value;
            bool acknowledge = options.TryGetValue("ack", out value) && value == "1";
            Frame template = options.ContainsKey("jpeg") ? FrameTemplate(options) : null;
            int frameMs = options.TryGetValue("frame-ms", out value) ? int.Parse(value, CultureInfo.InvariantCulture) : 50;

            using (var client = new HandMeshClient(settings))
            using (var sha1 = SHA1.Create())
            {
                client.Start();
                var clock = Stopwatch.StartNew();
                long nextStatusMs = 0, nextFrameMs = 0;
                ulong seq = 0;
                Hello hello = null;
                Rig rig = null;
                ErrorReply error = null;
                Stats stats = null;
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    ReceivedResult result;
                    int skipped;
                    if (client.TryTakeResult(out result, out skipped))
                    {
                        long applied = EngineClock.NowNs();
                        if (acknowledge) client.SendAck(result, applied);
                        ProbeMain.Emit(new JsonObject().With("event", "result").With("stream", result.Hands.Stream)
                            .With("seq", result.Hands.Seq).With("t_capture_ns", result.Hands.TCaptureNs)
                            .With("hands", result.Hands.HandList.Count).With("skipped", skipped)
                            .With("sha1", ProbeMain.Hex(sha1.ComputeHash(MessageEncoder.Encode(result.Hands)))));
                    }
                    if (client.ServerHello != hello)
                    {
                        hello = client.ServerHello;
                        ProbeMain.Emit(new JsonObject().With("event", "hello").With("software", hello.Software)
                            .With("model", hello.Model).With("rig", hello.Rig));
                    }
                    if (client.Rig != rig)
                    {
                        rig = client.Rig;
                        ProbeMain.Emit(new JsonObject().With("event", "rig").With("rig_id", rig.RigId)
                            .With("vertices", rig.Vertices.Shape[0]).With("faces", rig.Faces.Shape[0])
                            .With("sha1", ProbeMain.Hex(sha1.ComputeHash(MessageEncoder.Encode(rig)))));
                    }
                    if (client.LastError != error)
                    {
                        error = client.LastError;
                        ProbeMain.Emit(new JsonObject().With("event", "error").With("code", error.Code).With("name", error.Name)
                            .With("message", error.Text));
                    }
                    if (client.LastStats != stats)
                    {
                        stats = client.LastStats;
                        ProbeMain.Emit(new JsonObject().With("event", "stats").With("frames", stats.Frames)
                            .With("bad_messages", stats.BadMessages).With("errors", stats.Errors));
                    }
                    long now = clock.ElapsedMilliseconds;
                    if (template != null && now >= nextFrameMs)
                    {
                        template.Seq = seq;
                        template.TCaptureNs = EngineClock.NowNs();
                        if (client.SendFrame(template)) seq++;
                        nextFrameMs = now + frameMs;
                    }
                    if (now >= nextStatusMs)
                    {
                        client.RequestStats();
                        ProbeMain.Emit(Status(client, seq));
                        nextStatusMs = now + 200;
                    }
                    Thread.Sleep(2);
                }
                ProbeMain.Emit(Status(client, seq));
            }
            return 0;
        }

        static JsonObject Status(HandMeshClient client, ulong framesSent)
        {
            return new JsonObject().With("event", "status")
                .With("results_state", client.ResultsState.ToString()).With("requests_state", client.RequestsState.ToString())
                .With("results_connects", client.ResultsConnects).With("requests_connects", client.RequestsConnects)
                .With("received", client.ResultsReceived).With("dropped", client.ResultsDropped)
                .With("corrupted", client.CorruptedMessages).With("errors", client.ErrorsReceived)
                .With("frames_sent", framesSent).With("last_problem", client.LastProblem);
        }

        static Frame FrameTemplate(Dictionary<string, string> options)
        {
            return new Frame
            {
                Stream = options["stream"],
                Image = new Image
                {
                    Format = "jpeg",
                    Data = File.ReadAllBytes(options["jpeg"]),
                    Width = int.Parse(options["width"], CultureInfo.InvariantCulture),
                    Height = int.Parse(options["height"], CultureInfo.InvariantCulture),
                },
            };
        }
    }
}
