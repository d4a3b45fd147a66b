using System;
using HandMesh.Client.Core.Streaming;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// The one component of the demo scene: on Start it builds everything else by code — a
    /// camera where the physical camera is (so the scene looks like the camera image), a
    /// light, the hand space, the client and its two hands, pinch grabbing for both, the game,
    /// the HUD, and optionally the webcam sender. Settings are this component's fields.
    /// <see cref="Built"/> tells optional assemblies (the ML-Agents bridge) when the scene
    /// stands, and the properties hand them its parts.
    /// </summary>
    public sealed class HandMeshBootstrap : MonoBehaviour
    {
        [Header("Server (handmesh serve / handmesh replay)")]
        public string RouterEndpoint = "tcp://127.0.0.1:5555";
        public string PubEndpoint = "tcp://127.0.0.1:5556";
        [Tooltip("Stream whose results to show; empty: every stream's. The webcam sender sets its own.")]
        public string Stream = "";

        [Header("Hand")]
        public SmoothingMode Smoothing = SmoothingMode.Interpolate;
        [Tooltip("Show the network's own mesh instead of the skinned rig")]
        public bool ShowNetworkMesh;

        [Header("Camera")]
        [Tooltip("Send this machine's webcam to the server: Unity is the camera")]
        public bool SendWebcam;
        public string WebcamStream = "unity-webcam";

        [Header("Game")]
        public float RoundSeconds = 90;

        /// <summary>Raised at the end of every bootstrap's Start, with the scene built.</summary>
        public static event Action<HandMeshBootstrap> Built;

        public Transform HandSpace { get; private set; }
        public HandMeshClientBehaviour Hands { get; private set; }
        public DemoGame Game { get; private set; }
        public PinchGrabber RightGrabber { get; private set; }
        public PinchGrabber LeftGrabber { get; private set; }

        void Start()
        {
            var handSpace = new GameObject("Hand space (camera frame, Unity axes)").transform;
            HandSpace = handSpace;
            BuildCamera(handSpace);
            BuildLight();

            var hands = gameObject.AddComponent<HandMeshClientBehaviour>();
            hands.RouterEndpoint = RouterEndpoint;
            hands.PubEndpoint = PubEndpoint;
            hands.Stream = SendWebcam ? WebcamStream : Stream;
            hands.Smoothing = Smoothing;
            hands.ShowNetworkMesh = ShowNetworkMesh;
            hands.HandSpace = handSpace;
            hands.HandMaterial = HandMaterial();

            var game = gameObject.AddComponent<DemoGame>();
            game.HandSpace = handSpace;
            game.RoundSeconds = RoundSeconds;

            RightGrabber = AddGrabber(hands, game, false);
            LeftGrabber = AddGrabber(hands, game, true);

            var hud = gameObject.AddComponent<LatencyHud>();
            hud.Hands = hands;
            hud.Game = game;

            if (SendWebcam)
            {
                var webcam = gameObject.AddComponent<WebcamSender>();
                webcam.Hands = hands;
                webcam.Stream = WebcamStream;
            }

            Hands = hands;
            Game = game;
            if (Built != null) Built(this);
        }

        PinchGrabber AddGrabber(HandMeshClientBehaviour hands, DemoGame game, bool left)
        {
            var grabber = gameObject.AddComponent<PinchGrabber>();
            grabber.Hands = hands;
            grabber.Game = game;
            grabber.LeftHand = left;
            return grabber;
        }

        static void BuildCamera(Transform handSpace)
        {
            Camera camera = Camera.main;
            if (camera == null)
            {
                camera = new GameObject("Main Camera").AddComponent<Camera>();
                camera.tag = "MainCamera";
            }
            // Hand space's origin is the physical camera and +z its view: a Unity camera there sees what it sees.
            camera.transform.SetParent(handSpace, false);
            camera.transform.localPosition = Vector3.zero;
            camera.transform.localRotation = Quaternion.identity;
            camera.fieldOfView = 45; // vertical: a 60° horizontal webcam at 4:3
            camera.nearClipPlane = 0.02f;
            camera.clearFlags = CameraClearFlags.SolidColor;
            camera.backgroundColor = new Color(0.12f, 0.13f, 0.16f);
        }

        static void BuildLight()
        {
            var light = new GameObject("Light").AddComponent<Light>();
            light.type = LightType.Directional;
            light.transform.rotation = Quaternion.Euler(50, -30, 0);
            light.shadows = LightShadows.Soft;
        }

        static Material HandMaterial()
        {
            // The built-in pipeline's Standard shader. A player build holds only the shaders its assets reference, and
            // the demo scene references none: there, Legacy Shaders/Diffuse (in the default Always Included Shaders).
            Shader shader = Shader.Find("Standard");
            if (shader == null) shader = Shader.Find("Legacy Shaders/Diffuse");
            return new Material(shader) { color = new Color(0.93f, 0.76f, 0.65f) };
        }
    }
}
