using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>An object a pinch can pick up and a target can score; <see cref="Id"/> tells the game which one it is.</summary>
    [RequireComponent(typeof(Rigidbody))]
    public sealed class Grabbable : MonoBehaviour
    {
        public int Id;
        public Vector3 SpawnPosition;

        public bool IsHeld { get; set; }

        public Rigidbody Body
        {
            get { return GetComponent<Rigidbody>(); }
        }

        /// <summary>Back to where it started, at rest (after falling off the table or a new round).</summary>
        public void Respawn()
        {
            Body.velocity = Vector3.zero;
            Body.angularVelocity = Vector3.zero;
            transform.SetPositionAndRotation(SpawnPosition, Quaternion.identity);
        }
    }
}
