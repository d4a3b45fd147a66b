using HandMesh.Client.Core.Game;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>A scoring zone: a trigger that reports each released object inside it to the game (the round scores each object once).</summary>
    [RequireComponent(typeof(Collider))]
    public sealed class DropTarget : MonoBehaviour
    {
        public TargetZone Zone;
        public DemoGame Game;

        void OnTriggerStay(Collider other)
        {
            var grabbable = other.GetComponent<Grabbable>();
            if (grabbable != null && !grabbable.IsHeld) Game.ObjectInTarget(grabbable, this);
        }
    }
}
