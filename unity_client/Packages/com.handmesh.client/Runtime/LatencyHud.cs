using HandMesh.Client.Core.Streaming;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// An IMGUI overlay (no UI package needed): render rate, capture→applied and
    /// capture→received p50/p95, drops, connection state (Core's HudReport), and the game's
    /// score, time left and a restart button.
    /// </summary>
    public sealed class LatencyHud : MonoBehaviour
    {
        public HandMeshClientBehaviour Hands;
        public DemoGame Game;

        float smoothedFrameS = 1f / 60f;
        GUIStyle style;

        void Update()
        {
            smoothedFrameS = Mathf.Lerp(smoothedFrameS, Time.unscaledDeltaTime, 0.05f);
        }

        void OnGUI()
        {
            if (Hands.Client == null) return;
            if (style == null) style = new GUIStyle(GUI.skin.box) { alignment = TextAnchor.UpperLeft, fontSize = 14 };
            string text = HudReport.Format(1.0 / smoothedFrameS, Hands.Latency, Hands.Client);
            GUI.Box(new Rect(10, 10, 420, 130), text, style);
            if (Game == null) return;
            string game = Game.IsOver ? "Time! Score " + Game.Score : "Score " + Game.Score + "   " + Mathf.CeilToInt((float)Game.RemainingS) + " s";
            GUI.Box(new Rect(Screen.width - 230, 10, 220, 30), game, style);
            if (GUI.Button(new Rect(Screen.width - 230, 45, 220, 30), "Restart round")) Game.Restart();
        }
    }
}
