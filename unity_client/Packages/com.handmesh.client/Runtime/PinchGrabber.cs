using HandMesh.Client.Core.Posing;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// Grab by pinching: when a hand's pinch closes (Core's PinchDetector, with hysteresis)
    /// the nearest <see cref="Grabbable"/> within reach becomes kinematic and follows the
    /// pinch point; when it opens, the object is released with the hand's recent velocity,
    /// so it can be tossed or dropped into a target.
    /// </summary>
    public sealed class PinchGrabber : MonoBehaviour
    {
        const float ReachM = 0.04f;

        public HandMeshClientBehaviour Hands;
        public bool LeftHand;

        readonly PinchDetector pinch = new PinchDetector();
        Grabbable held;
        Vector3 lastPoint, velocity;

        void Update()
        {
            HandPose pose = LeftHand ? Hands.LeftPose : Hands.RightPose;
            bool changed = pinch.Update(pose);
            Vector3 point = Hands.HandSpace.TransformPoint(pinch.PinchPoint.ToVector3());
            if (Time.deltaTime > 0) velocity = Vector3.Lerp(velocity, (point - lastPoint) / Time.deltaTime, 0.5f);
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
        }

        void Release()
        {
            if (held == null) return;
            held.Body.isKinematic = false;
            held.Body.velocity = velocity;
            held.IsHeld = false;
            held = null;
        }
    }
}
