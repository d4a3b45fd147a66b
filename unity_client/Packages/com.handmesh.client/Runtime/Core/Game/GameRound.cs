using System;

namespace HandMesh.Client.Core.Game
{
    /// <summary>
    /// The demo game's rules, engine-free: a timed round in which each object dropped into a
    /// target scores that target's points, once per object. The engine layer reports drops
    /// and time; this decides what they are worth and when the round is over.
    /// </summary>
    public sealed class GameRound
    {
        readonly double durationS;
        readonly System.Collections.Generic.HashSet<int> scored = new System.Collections.Generic.HashSet<int>();

        public GameRound(double durationS)
        {
            if (durationS <= 0) throw new ArgumentOutOfRangeException("durationS", "a round needs a positive duration");
            this.durationS = durationS;
        }

        public int Score { get; private set; }
        public double ElapsedS { get; private set; }

        public double RemainingS
        {
            get { return Math.Max(0, durationS - ElapsedS); }
        }

        public bool IsOver
        {
            get { return ElapsedS >= durationS; }
        }

        public void Tick(double deltaS)
        {
            if (deltaS > 0) ElapsedS += deltaS;
        }

        /// <summary>Object <paramref name="objectId"/> landed in a target worth <paramref name="points"/>; returns the points awarded (0 once the round is over or the object already scored).</summary>
        public int Dropped(int objectId, int points)
        {
            if (IsOver || !scored.Add(objectId)) return 0;
            Score += points;
            return points;
        }

        /// <summary>Whether object <paramref name="objectId"/> has scored in this round.</summary>
        public bool IsDelivered(int objectId)
        {
            return scored.Contains(objectId);
        }

        public void Restart()
        {
            ElapsedS = 0;
            Score = 0;
            scored.Clear();
        }
    }
}
