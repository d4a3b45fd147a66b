namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// Something that happened to an object, for Python's score keeping: <c>grab</c> (a pinch
    /// closed on it), <c>drop</c> (let go outside every target), <c>deliver</c> (let go in
    /// target <see cref="TargetId"/> and scored). Step: the agent's step in its episode;
    /// TEventNs: engine clock; Score: the round's score after the event.
    /// </summary>
    public sealed class GameEvent
    {
        public const string Grab = "grab";
        public const string Drop = "drop";
        public const string Deliver = "deliver";

        public string Kind;
        public int ObjectId;
        public long Step;
        public long TEventNs;
        public int Score;
        public int? TargetId;
    }
}
