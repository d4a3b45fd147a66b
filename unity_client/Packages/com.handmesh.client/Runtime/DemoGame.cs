using System.Collections.Generic;
using HandMesh.Client.Core.Game;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// The demo game, built by code in hand space (camera-relative meters, where the tracked
    /// hand moves): a table within reach, blocks to push, balls to pinch and carry, and two
    /// target pads worth 10 and 25 points. A timed round (Core's GameRound) keeps the score;
    /// objects that fall off the table come back.
    /// </summary>
    public sealed class DemoGame : MonoBehaviour
    {
        public float RoundSeconds = 90;
        public Transform HandSpace;

        readonly List<Grabbable> objects = new List<Grabbable>();
        GameRound round;

        public int Score { get { return round.Score; } }
        public double RemainingS { get { return round.RemainingS; } }
        public bool IsOver { get { return round.IsOver; } }

        /// <summary>Where the table top is in hand space: below and ahead of the camera, where a hand held in front of a webcam reaches.</summary>
        public static readonly Vector3 TableCenter = new Vector3(0, -0.12f, 0.45f);

        void Start()
        {
            round = new GameRound(RoundSeconds);
            Block("Table", TableCenter + new Vector3(0, -0.01f, 0), new Vector3(0.6f, 0.02f, 0.4f), new Color(0.45f, 0.33f, 0.22f), false);
            Target(new Vector3(-0.2f, 0, 0.1f), 10, new Color(0.2f, 0.6f, 1f));
            Target(new Vector3(0.2f, 0, 0.1f), 25, new Color(1f, 0.55f, 0.1f));
            for (int i = 0; i < 4; i++)
            {
                Spawn(PrimitiveType.Cube, new Vector3(-0.15f + 0.1f * i, 0.03f, -0.08f), 0.045f, new Color(0.85f, 0.2f, 0.25f));
                Spawn(PrimitiveType.Sphere, new Vector3(-0.12f + 0.08f * i, 0.03f, 0.0f), 0.04f, new Color(0.3f, 0.8f, 0.35f));
            }
        }

        void Update()
        {
            round.Tick(Time.deltaTime);
            foreach (Grabbable item in objects)
            {
                if (!item.IsHeld && HandSpace.InverseTransformPoint(item.transform.position).y < TableCenter.y - 0.5f) item.Respawn();
            }
        }

        /// <summary>A released object is inside a target: the round decides whether it scores.</summary>
        public void ObjectDropped(Grabbable item, DropTarget target)
        {
            round.Dropped(item.Id, target.Points);
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

        void Target(Vector3 onTable, int points, Color color)
        {
            Block("Target pad " + points, TableCenter + onTable + new Vector3(0, 0.001f, 0), new Vector3(0.12f, 0.002f, 0.12f), color, false);
            GameObject zone = Block("Target " + points, TableCenter + onTable + new Vector3(0, 0.04f, 0), new Vector3(0.12f, 0.08f, 0.12f), color, true);
            zone.GetComponent<Renderer>().enabled = false;
            var target = zone.AddComponent<DropTarget>();
            target.Points = points;
            target.Game = this;
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
