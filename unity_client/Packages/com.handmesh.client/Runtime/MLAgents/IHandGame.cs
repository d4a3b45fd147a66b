using System.Collections.Generic;
using HandMesh.Client.Core.Bridge;
using HandMesh.Client.Core.Posing;

namespace HandMesh.Client.MLAgents
{
    /// <summary>
    /// What <see cref="HandPlayerAgent"/> needs of the game scene: restart a round, pose the
    /// hand for one step (the game plays the pinch, grabs and drops and reports them as
    /// events), write its state into the observation, and its score and timer. The demo game
    /// implements it through a small adapter; a test scene can implement it directly.
    /// </summary>
    public interface IHandGame
    {
        /// <summary>A new round: score 0, timer full, objects back where they started.</summary>
        void Restart();

        /// <summary>Shows <paramref name="pose"/> (Unity frame, on a hand built from <paramref name="rig"/>) for one physics step, advances the round by one step (Time.fixedDeltaTime: lock-step time, not wall time) and appends the events it caused.</summary>
        void Apply(HandPose pose, RigGeometry rig, long step, List<GameEvent> events);

        /// <summary>Writes the round, the pinch, the objects and the targets.</summary>
        void Observe(ObservationLayout observation);

        int Score { get; }

        bool IsOver { get; }
    }
}
