using HandMesh.Client.Core.Posing;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// Grab by pinching: when a hand's pinch closes (Core's PinchDetector, with hysteresis)
    /// the nearest <see cref="Grabbable"/> within reach becomes kinematic and follows the
    /// pinch point; when it opens, the object is released with the hand's recent velocity,
    /// so it can be tossed or dropped into a target. It follows the streamed hand every frame,
    /// or, with <see cref="ExternallyStepped"/>, only the poses a driver hands to <see cref="Step"/>.
    /// </summary>
    public sealed class PinchGrabber : MonoBehaviour
    {
        const float ReachM = 0.04f;

        public HandMeshClientBehaviour Hands;
        public bool LeftHand;
        public DemoGame Game;
        [Tooltip("Follow only the poses given to Step (a lock-step driver), not the streamed hand")]
        public bool ExternallyStepped;

        readonly PinchDetector pinch = new PinchDetector();
        Grabbable held;
        Vector3 lastPoint, velocity;

        public bool IsPinching { get { return pinch.IsPinching; } }

        /// <summary>Where the pinch is (or was last seen), in hand space.</summary>
        public Vector3 PinchPoint { get { return pinch.PinchPoint.ToVector3(); } }

        void Update()
        {
            if (!ExternallyStepped) Step(LeftHand ? Hands.LeftPose : Hands.RightPose, Time.deltaTime);
        }

        /// <summary>Follows <paramref name="pose"/> (null: the hand is gone) over <paramref name="deltaS"/>: grabs when the pinch closes, lets go when it opens, carries what it holds.</summary>
        public void Step(HandPose pose, float deltaS)
        {
            bool changed = pinch.Update(pose);
            Vector3 point = Hands.HandSpace.TransformPoint(pinch.PinchPoint.ToVector3());
            if (deltaS > 0) velocity = Vector3.Lerp(velocity, (point - lastPoint) / deltaS, 0.5f);
            lastPoint = point;
            if (changed && pinch.IsPinching) Grab(point);
            else if (changed) Release();
            if (held != null) held.Body.MovePosition(point);
        }

        void Grab(Vector3 point)
        {
            float nearest = float.MaxValue;
            foreach (Collider candidate in Physics.OverlapSphere(point, ReachM))
            {
                var grabbable = candidate.GetComponent<Grabbable>();
                if (grabbable == null || grabbable.IsHeld) continue;
                float distance = Vector3.Distance(point, candidate.ClosestPoint(point)); // ClosestPoint: box, sphere, capsule and convex mesh colliders only
                if (distance < nearest)
                {
                    nearest = distance;
                    held = grabbable;
                }
            }
            if (held == null) return;
            held.IsHeld = true;
            held.Body.isKinematic = true;
            if (Game != null) Game.ObjectGrabbed(held);
        }

        void Release()
        {
            if (held == null) return;
            held.Body.isKinematic = false;
            held.Body.velocity = velocity;
            held.IsHeld = false;
            if (Game != null) Game.ObjectReleased(held);
            held = null;
        }
    }
}
