using System;
using Unity.MLAgents;
using UnityEngine;

namespace HandMesh.Client.MLAgents
{
    /// <summary>
    /// Makes the demo scene an ML-Agents environment when the player runs under ML-Agents:
    /// started by mlagents-envs (which passes <see cref="PortFlag"/>) or with a trainer
    /// listening (Academy's communicator is on, e.g. Play in the Editor). When the bootstrap
    /// has built the scene, the HandPlayer agent joins it over a <see cref="DemoGameAdapter"/>.
    /// Lives here so the engine assembly never references ML-Agents.
    /// </summary>
    public static class DemoGameAttachment
    {
        public const string PortFlag = "--mlagents-port";

        [RuntimeInitializeOnLoadMethod(RuntimeInitializeLoadType.SubsystemRegistration)]
        static void Register()
        {
            HandMeshBootstrap.Built -= Attach; // static state survives Play without a domain reload
            HandMeshBootstrap.Built += Attach;
        }

        static void Attach(HandMeshBootstrap scene)
        {
            if (Array.IndexOf(Environment.GetCommandLineArgs(), PortFlag) < 0 && !Academy.Instance.IsCommunicatorOn) return;
            HandPlayerAgent.AddTo(new GameObject("HandPlayer agent"), new DemoGameAdapter(scene));
        }
    }
}
