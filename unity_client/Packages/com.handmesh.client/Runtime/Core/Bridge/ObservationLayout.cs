using System;
using HandMesh.Client.Core.Coordinates;

namespace HandMesh.Client.Core.Bridge
{
    /// <summary>
    /// The HandPlayer agent's vector observation (server/game/observations.py reads it):
    /// [0] round left (1 → 0), [1] pinching (0/1), [2..4] pinch point, then 8 object slots of
    /// (present, x, y, z, held, delivered) and 2 target slots of (present, x, y, z). Positions
    /// in the wire's camera frame, meters — the frame of the action — so the engine layer hands
    /// in Unity positions and this converts them. Unused slots stay zero.
    /// </summary>
    public sealed class ObservationLayout
    {
        public const int ObjectSlots = 8;
        public const int TargetSlots = 2;
        public const int HeaderSize = 5;
        public const int ObjectSize = 6;
        public const int TargetSize = 4;
        public const int ObjectsStart = HeaderSize;
        public const int TargetsStart = ObjectsStart + ObjectSlots * ObjectSize;
        public const int Size = TargetsStart + TargetSlots * TargetSize;

        public readonly float[] Values = new float[Size];

        /// <summary>Clears every slot and writes the round and pinch state (pinch point in Unity's frame).</summary>
        public void Begin(double roundLeft, bool pinching, Vec3 pinchPointUnity)
        {
            Array.Clear(Values, 0, Size);
            Values[0] = (float)Math.Max(0, Math.Min(1, roundLeft));
            Values[1] = pinching ? 1f : 0f;
            WritePosition(2, pinchPointUnity);
        }

        public void SetObject(int slot, Vec3 positionUnity, bool held, bool delivered)
        {
            if (slot < 0 || slot >= ObjectSlots) throw new ArgumentOutOfRangeException("slot", "the observation has " + ObjectSlots + " object slots");
            int at = ObjectsStart + slot * ObjectSize;
            Values[at] = 1f;
            WritePosition(at + 1, positionUnity);
            Values[at + 4] = held ? 1f : 0f;
            Values[at + 5] = delivered ? 1f : 0f;
        }

        public void SetTarget(int slot, Vec3 positionUnity)
        {
            if (slot < 0 || slot >= TargetSlots) throw new ArgumentOutOfRangeException("slot", "the observation has " + TargetSlots + " target slots");
            int at = TargetsStart + slot * TargetSize;
            Values[at] = 1f;
            WritePosition(at + 1, positionUnity);
        }

        void WritePosition(int at, Vec3 unity)
        {
            // The reflection between the two frames is its own inverse.
            Vec3 camera = UnityFrame.Position(unity.X, unity.Y, unity.Z);
            Values[at] = camera.X;
            Values[at + 1] = camera.Y;
            Values[at + 2] = camera.Z;
        }
    }
}
