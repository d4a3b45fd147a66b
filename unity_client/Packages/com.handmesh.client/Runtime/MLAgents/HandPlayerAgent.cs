using System.Collections.Generic;
using HandMesh.Client.Core.Bridge;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Streaming;
using Unity.MLAgents;
using Unity.MLAgents.Actuators;
using Unity.MLAgents.Policies;
using Unity.MLAgents.Sensors;
using Unity.MLAgents.SideChannels;
using UnityEngine;

namespace HandMesh.Client.MLAgents
{
    /// <summary>
    /// The hand as an ML-Agents agent (behavior <c>HandPlayer</c>), so Python drives the game
    /// in lock-step (server/game, <c>handmesh play</c>): one decision per Academy step; the
    /// continuous action is a hand pose (<see cref="ActionLayout"/>, 67 values, the wire's
    /// camera frame); the observation is <see cref="ObservationLayout"/> (61 values); the
    /// reward is the points scored in the step; the episode ends when the round's timer runs
    /// out. Each applied pose is acked on the <see cref="HandGameSideChannel"/> with its
    /// receive and apply times, followed by the step's game events.
    /// </summary>
    public sealed class HandPlayerAgent : Agent
    {
        public IHandGame Game;

        HandGameSideChannel channel;
        RigGeometry rig;
        string rigId;
        readonly ObservationLayout observation = new ObservationLayout();
        readonly List<GameEvent> events = new List<GameEvent>();

        /// <summary>Adds the agent, its behavior parameters and a decision every step to <paramref name="hand"/> (an object that stays active; the game poses the visible hand): the scene is built by code.</summary>
        public static HandPlayerAgent AddTo(GameObject hand, IHandGame game)
        {
            hand.SetActive(false); // the agent initialises on enable, after it is configured
            var parameters = hand.AddComponent<BehaviorParameters>();
            parameters.BehaviorName = BridgeIds.BehaviorName;
            parameters.BrainParameters.VectorObservationSize = ObservationLayout.Size;
            parameters.BrainParameters.ActionSpec = ActionSpec.MakeContinuous(ActionLayout.Size);
            var requester = hand.AddComponent<DecisionRequester>();
            requester.DecisionPeriod = 1;
            requester.TakeActionsBetweenDecisions = false;
            var agent = hand.AddComponent<HandPlayerAgent>();
            agent.Game = game;
            hand.SetActive(true);
            return agent;
        }

        public override void Initialize()
        {
            channel = new HandGameSideChannel();
            SideChannelManager.RegisterSideChannel(channel);
        }

        void OnDestroy()
        {
            if (channel != null) SideChannelManager.UnregisterSideChannel(channel);
        }

        public override void OnEpisodeBegin()
        {
            Game.Restart();
        }

        public override void CollectObservations(VectorSensor sensor)
        {
            Game.Observe(observation);
            sensor.AddObservation(observation.Values);
        }

        public override void OnActionReceived(ActionBuffers actions)
        {
            long tActionNs = EngineClock.NowNs();
            if (channel.Context.Rig == null) return; // nothing to pose until Python sent the rig
            if (rigId != channel.Context.Rig.RigId)
            {
                rig = RigGeometry.FromRig(channel.Context.Rig, false);
                rigId = channel.Context.Rig.RigId;
            }
            var values = new float[ActionLayout.Size];
            for (int i = 0; i < values.Length; i++) values[i] = actions.ContinuousActions[i];
            int scoreBefore = Game.Score;
            events.Clear();
            Game.Apply(ActionLayout.ToHandPose(values, rig), rig, StepCount, events);
            channel.Send(channel.Context.Ack(StepCount, tActionNs, EngineClock.NowNs()));
            foreach (GameEvent gameEvent in events) channel.Send(BridgeCodec.EncodeEvent(gameEvent));
            AddReward(Game.Score - scoreBefore);
            if (Game.IsOver) EndEpisode();
        }
    }
}
