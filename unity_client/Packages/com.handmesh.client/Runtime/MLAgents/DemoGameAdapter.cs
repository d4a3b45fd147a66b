using System.Collections.Generic;
using HandMesh.Client.Core.Bridge;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Game;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Streaming;
using UnityEngine;

namespace HandMesh.Client.MLAgents
{
    /// <summary>
    /// The bootstrap's demo scene as an <see cref="IHandGame"/>, stepped in lock-step: the
    /// network client stops posing the hands, the round, the pinch grabbers and the physics
    /// advance only in <see cref="Apply"/>, by one Time.fixedDeltaTime each (physics in
    /// script mode: Physics.Simulate), so everything a step causes — grabs, drops,
    /// deliveries and their points — happens inside it and is reported with it.
    /// </summary>
    public sealed class DemoGameAdapter : IHandGame
    {
        readonly HandMeshBootstrap scene;
        readonly List<GameEvent> pending = new List<GameEvent>();
        RiggedHand hand;
        long step;

        public DemoGameAdapter(HandMeshBootstrap scene)
        {
            this.scene = scene;
            scene.Hands.enabled = false; // the agent's actions pose the hand, not the server's results
            scene.Game.ExternallyStepped = true;
            scene.RightGrabber.ExternallyStepped = true;
            scene.LeftGrabber.ExternallyStepped = true;
            Physics.simulationMode = SimulationMode.Script;
            scene.Game.Grabbed += id => Record(GameEvent.Grab, id, null);
            scene.Game.Dropped += id => Record(GameEvent.Drop, id, null);
            scene.Game.Delivered += (id, target) => Record(GameEvent.Deliver, id, target);
        }

        public int Score
        {
            get { return scene.Game.Score; }
        }

        public bool IsOver
        {
            get { return scene.Game.IsOver; }
        }

        public void Restart()
        {
            scene.Game.Restart();
        }

        public void Apply(HandPose pose, RigGeometry rig, long step, List<GameEvent> events)
        {
            this.step = step;
            if (hand == null || hand.RigId != rig.RigId)
            {
                if (hand != null) Object.Destroy(hand.gameObject);
                hand = RiggedHand.Build(scene.HandSpace, rig, scene.Hands.HandMaterial);
            }
            hand.Apply(pose);
            float deltaS = Time.fixedDeltaTime;
            scene.RightGrabber.Step(pose, deltaS);
            Physics.Simulate(deltaS);
            scene.Game.Step(deltaS);
            events.AddRange(pending);
            pending.Clear();
        }

        public void Observe(ObservationLayout observation)
        {
            DemoGame game = scene.Game;
            observation.Begin(game.RoundLeft, scene.RightGrabber.IsPinching, ToVec3(scene.RightGrabber.PinchPoint));
            int objects = System.Math.Min(game.ObjectCount, ObservationLayout.ObjectSlots);
            for (int id = 0; id < objects; id++) observation.SetObject(id, ToVec3(game.ObjectPosition(id)), game.IsHeld(id), game.IsDelivered(id));
            int targets = System.Math.Min(game.TargetCount, ObservationLayout.TargetSlots);
            for (int id = 0; id < targets; id++) observation.SetTarget(id, game.Target(id).Center);
        }

        void Record(string kind, int objectId, int? targetId)
        {
            pending.Add(new GameEvent
            {
                Kind = kind,
                ObjectId = objectId,
                Step = step,
                TEventNs = EngineClock.NowNs(),
                Score = scene.Game.Score,
                TargetId = targetId,
            });
        }

        static Vec3 ToVec3(Vector3 v)
        {
            return new Vec3(v.x, v.y, v.z);
        }
    }
}
