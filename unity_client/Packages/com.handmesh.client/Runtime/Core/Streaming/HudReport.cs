using System.Globalization;
using System.Text;
using HandMesh.Client.Core.Zmtp;

namespace HandMesh.Client.Core.Streaming
{
    /// <summary>The latency HUD's text, engine-free so it is tested: render rate, end-to-end p50/p95, drops, connection state.</summary>
    public static class HudReport
    {
        public static string Format(double renderFps, LatencyStats latency, HandMeshClient client)
        {
            var text = new StringBuilder();
            text.AppendFormat(CultureInfo.InvariantCulture, "render {0:0} fps\n", renderFps);
            text.AppendFormat(CultureInfo.InvariantCulture, "capture→applied p50 {0} / p95 {1} ms\n",
                Milliseconds(latency.EndToEndP50Ms), Milliseconds(latency.EndToEndP95Ms));
            text.AppendFormat(CultureInfo.InvariantCulture, "capture→received p50 {0} / p95 {1} ms\n",
                Milliseconds(latency.ReceiveP50Ms), Milliseconds(latency.ReceiveP95Ms));
            text.AppendFormat(CultureInfo.InvariantCulture, "results {0} applied, {1} dropped, {2} bad\n",
                latency.Applied, latency.Dropped, client.CorruptedMessages);
            text.AppendFormat("results {0} · requests {1}", State(client.ResultsState), State(client.RequestsState));
            if (client.ServerHello != null) text.AppendFormat("\nserver {0}, model {1}", client.ServerHello.Software, client.ServerHello.Model);
            return text.ToString();
        }

        static string Milliseconds(double value)
        {
            return double.IsNaN(value) ? "–" : value.ToString("0.0", CultureInfo.InvariantCulture);
        }

        static string State(ConnectionState state)
        {
            switch (state)
            {
                case ConnectionState.Connected: return "connected";
                case ConnectionState.Connecting: return "connecting…";
                case ConnectionState.WaitingToRetry: return "no server, retrying";
                default: return "stopped";
            }
        }
    }
}
