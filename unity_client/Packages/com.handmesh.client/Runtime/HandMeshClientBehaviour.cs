using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Streaming;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// The bridge between the network threads and the scene. Owns the core's
    /// <see cref="HandMeshClient"/>; every frame on the main thread it takes the newest result
    /// (newest wins), feeds each hand's interpolator, poses the right and left hands, and
    /// acknowledges the applied result to the server with its receive and apply times. The
    /// hands are built from the server's rig when it arrives, or from the bundled rig before.
    /// </summary>
    public sealed class HandMeshClientBehaviour : MonoBehaviour
    {
        public string RouterEndpoint = "tcp://127.0.0.1:5555";
        public string PubEndpoint = "tcp://127.0.0.1:5556";
        [Tooltip("Stream whose results to show; empty: every stream's")]
        public string Stream = "";
        public SmoothingMode Smoothing = SmoothingMode.Interpolate;
        public bool ShowNetworkMesh;
        public Transform HandSpace;
        public Material HandMaterial;

        readonly PoseInterpolator rightPoses = new PoseInterpolator();
        readonly PoseInterpolator leftPoses = new PoseInterpolator();
        Core.Protocol.Rig builtFrom;

        public HandMeshClient Client { get; private set; }
        public LatencyStats Latency { get; private set; }
        public RiggedHand RightHand { get; private set; }
        public RiggedHand LeftHand { get; private set; }

        /// <summary>The poses shown this frame (null: that hand is not seen).</summary>
        public HandPose RightPose { get; private set; }
        public HandPose LeftPose { get; private set; }

        bool started;

        void Start()
        {
            if (HandSpace == null) HandSpace = transform;
            Latency = new LatencyStats();
            Connect();
            started = true;
            Core.Protocol.Rig bundled = BundledRig.Load();
            if (bundled != null) BuildHands(bundled);
        }

        /// <summary>Reconnects when re-enabled; the first connection waits for Start, after whoever added this component has set the endpoints.</summary>
        void OnEnable()
        {
            if (started) Connect();
        }

        /// <summary>Stops the network threads whenever this component stops updating: disabled, destroyed, or before a domain reload.</summary>
        void OnDisable()
        {
            if (Client != null) Client.Dispose();
            Client = null;
        }

        void Connect()
        {
            Client = new HandMeshClient(new ClientSettings { RouterEndpoint = RouterEndpoint, PubEndpoint = PubEndpoint, Stream = Stream });
            Client.Start();
        }

        void Update()
        {
            Core.Protocol.Rig served = Client.Rig;
            if (served != null && served != builtFrom && (builtFrom == null || served.RigId != builtFrom.RigId)) BuildHands(served);
            rightPoses.Mode = leftPoses.Mode = Smoothing;

            ReceivedResult result;
            int skipped;
            bool fresh = Client.TryTakeResult(out result, out skipped);
            if (fresh)
            {
                rightPoses.Push(HandPose.BestOfSide(result.Hands, false), result.TReceiveNs);
                leftPoses.Push(HandPose.BestOfSide(result.Hands, true), result.TReceiveNs);
            }
            long now = EngineClock.NowNs();
            RightPose = rightPoses.Sample(now);
            LeftPose = leftPoses.Sample(now);
            if (RightHand != null)
            {
                RightHand.ShowNetworkMesh = LeftHand.ShowNetworkMesh = ShowNetworkMesh;
                RightHand.Apply(RightPose);
                LeftHand.Apply(LeftPose);
            }
            if (fresh)
            {
                long applied = EngineClock.NowNs();
                Latency.Record(result.Hands.TCaptureNs, result.TReceiveNs, applied, skipped);
                Client.SendAck(result, applied);
            }
        }

        void BuildHands(Core.Protocol.Rig rig)
        {
            if (RightHand != null)
            {
                Destroy(RightHand.gameObject);
                Destroy(LeftHand.gameObject);
            }
            RightHand = RiggedHand.Build(HandSpace, RigGeometry.FromRig(rig, false), HandMaterial);
            LeftHand = RiggedHand.Build(HandSpace, RigGeometry.FromRig(rig, true), HandMaterial);
            builtFrom = rig;
        }
    }
}
