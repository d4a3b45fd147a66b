namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// The names both ends of the ML-Agents bridge agree on (server/game in Python): the
    /// agent's behavior name and the HandGame side channel's id, which is
    /// uuid5(NAMESPACE_URL, "com.handmesh.client/HandGameSideChannel").
    /// </summary>
    public static class BridgeIds
    {
        public const string BehaviorName = "HandPlayer";
        public const string SideChannelId = "5e56f1b6-2c5e-5328-9698-93f9a841ed27";

        /// <summary>The stream an ack names when the step's pose came without a hands message (a policy's action).</summary>
        public const string ActionStream = "action";
    }
}
