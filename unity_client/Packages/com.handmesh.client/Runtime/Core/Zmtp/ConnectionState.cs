namespace HandMesh.Client.Core.Zmtp
{
    /// <summary>Where a reconnecting socket stands; shown in the HUD.</summary>
    public enum ConnectionState
    {
        Stopped,
        Connecting,
        Connected,
        WaitingToRetry,
    }
}
