using System;
using System.Collections.Generic;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Game;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// The demo game, built by code in hand space (camera-relative meters, where the tracked
    /// hand moves): a table within reach, blocks to push, balls to pinch and carry, and two
    /// target pads worth 10 and 25 points. A timed round (Core's GameRound) keeps the score;
    /// objects that fall off the table come back. The round runs on frame time, or, with
    /// <see cref="ExternallyStepped"/>, only when a driver calls <see cref="Step"/> (ML-Agents:
    /// one Time.fixedDeltaTime per agent step). Grabs, drops and deliveries are events.
    /// </summary>
    public sealed class DemoGame : MonoBehaviour
    {
        public float RoundSeconds = 90;
        public Transform HandSpace;
        [Tooltip("Advance the round only through Step (a lock-step driver), not every frame")]
        public bool ExternallyStepped;

        readonly List<Grabbable> objects = new List<Grabbable>();
        readonly List<TargetZone> targets = new List<TargetZone>();
        GameRound round;

        public int Score { get { return round.Score; } }
        public double RemainingS { get { return round.RemainingS; } }
        public double RoundLeft { get { return round.RemainingS / RoundSeconds; } }
        public bool IsOver { get { return round.IsOver; } }

        /// <summary>A pinch closed on the object (its id).</summary>
        public event Action<int> Grabbed;
        /// <summary>The object (its id) was let go outside every target, or where it scores nothing.</summary>
        public event Action<int> Dropped;
        /// <summary>The object (its id) scored in the target (its id): let go inside it, or landed there.</summary>
        public event Action<int, int> Delivered;

        public int ObjectCount { get { return objects.Count; } }
        public int TargetCount { get { return targets.Count; } }

        /// <summary>Object <paramref name="id"/>'s position in hand space.</summary>
        public Vector3 ObjectPosition(int id)
        {
            return HandSpace.InverseTransformPoint(objects[id].transform.position);
        }

        public bool IsHeld(int id)
        {
            return objects[id].IsHeld;
        }

        /// <summary>Whether object <paramref name="id"/> has scored in this round.</summary>
        public bool IsDelivered(int id)
        {
            return round.IsDelivered(id);
        }

        /// <summary>Target <paramref name="id"/>'s scoring volume (hand space).</summary>
        public TargetZone Target(int id)
        {
            return targets[id];
        }

        /// <summary>Where the table top is in hand space: below and ahead of the camera, where a hand held in front of a webcam reaches.</summary>
        public static readonly Vector3 TableCenter = new Vector3(0, -0.12f, 0.45f);

        void Start()
        {
            round = new GameRound(RoundSeconds);
            Block("Table", TableCenter + new Vector3(0, -0.01f, 0), new Vector3(0.6f, 0.02f, 0.4f), new Color(0.45f, 0.33f, 0.22f), false);
            AddTarget(new Vector3(-0.2f, 0, 0.1f), 10, new Color(0.2f, 0.6f, 1f));
            AddTarget(new Vector3(0.2f, 0, 0.1f), 25, new Color(1f, 0.55f, 0.1f));
            for (int i = 0; i < 4; i++)
            {
                Spawn(PrimitiveType.Cube, new Vector3(-0.15f + 0.1f * i, 0.03f, -0.08f), 0.045f, new Color(0.85f, 0.2f, 0.25f));
                Spawn(PrimitiveType.Sphere, new Vector3(-0.12f + 0.08f * i, 0.03f, 0.0f), 0.04f, new Color(0.3f, 0.8f, 0.35f));
            }
        }

        void Update()
        {
            if (!ExternallyStepped) Step(Time.deltaTime);
        }

        /// <summary>Advances the round by <paramref name="deltaS"/> and brings back whatever fell off the table.</summary>
        public void Step(float deltaS)
        {
            round.Tick(deltaS);
            foreach (Grabbable item in objects)
            {
                if (!item.IsHeld && HandSpace.InverseTransformPoint(item.transform.position).y < TableCenter.y - 0.5f) item.Respawn();
            }
        }

        /// <summary>A released object is inside a target: the round decides whether it scores.</summary>
        public void ObjectInTarget(Grabbable item, DropTarget target)
        {
            if (round.Dropped(item.Id, target.Zone.Points) > 0 && Delivered != null) Delivered(item.Id, target.Zone.Id);
        }

        public void ObjectGrabbed(Grabbable item)
        {
            if (Grabbed != null) Grabbed(item.Id);
        }

        /// <summary>A pinch let go of the object: inside a target it is delivered there (when it scores), else dropped.</summary>
        public void ObjectReleased(Grabbable item)
        {
            Vector3 local = HandSpace.InverseTransformPoint(item.transform.position);
            var at = new Vec3(local.x, local.y, local.z);
            foreach (TargetZone zone in targets)
            {
                if (!zone.Contains(at) || round.Dropped(item.Id, zone.Points) == 0) continue;
                if (Delivered != null) Delivered(item.Id, zone.Id);
                return;
            }
            if (Dropped != null) Dropped(item.Id);
        }

        public void Restart()
        {
            round.Restart();
            foreach (Grabbable item in objects) item.Respawn();
        }

        GameObject Block(string name, Vector3 center, Vector3 size, Color color, bool trigger)
        {
            GameObject block = GameObject.CreatePrimitive(PrimitiveType.Cube);
            block.name = name;
            block.transform.SetParent(HandSpace, false);
            block.transform.localPosition = center;
            block.transform.localScale = size;
            block.GetComponent<Renderer>().material.color = color;
            block.GetComponent<Collider>().isTrigger = trigger;
            return block;
        }

        void AddTarget(Vector3 onTable, int points, Color color)
        {
            Block("Target pad " + points, TableCenter + onTable + new Vector3(0, 0.001f, 0), new Vector3(0.12f, 0.002f, 0.12f), color, false);
            Vector3 center = TableCenter + onTable + new Vector3(0, 0.04f, 0), size = new Vector3(0.12f, 0.08f, 0.12f);
            GameObject zone = Block("Target " + points, center, size, color, true);
            zone.GetComponent<Renderer>().enabled = false;
            var target = zone.AddComponent<DropTarget>();
            target.Zone = new TargetZone(targets.Count, points, new Vec3(center.x, center.y, center.z), new Vec3(size.x, size.y, size.z));
            target.Game = this;
            targets.Add(target.Zone);
        }

        void Spawn(PrimitiveType shape, Vector3 onTable, float size, Color color)
        {
            GameObject item = GameObject.CreatePrimitive(shape);
            item.name = shape + " " + objects.Count;
            item.transform.SetParent(HandSpace, false);
            item.transform.localPosition = TableCenter + onTable;
            item.transform.localScale = Vector3.one * size;
            item.GetComponent<Renderer>().material.color = color;
            var body = item.AddComponent<Rigidbody>();
            body.mass = 0.05f;
            body.collisionDetectionMode = CollisionDetectionMode.ContinuousSpeculative; // small and fast-moving; the one CCD mode kinematic bodies support, and a held object is kinematic
            var grabbable = item.AddComponent<Grabbable>();
            grabbable.Id = objects.Count;
            grabbable.SpawnPosition = item.transform.position;
            objects.Add(grabbable);
        }
    }
}
