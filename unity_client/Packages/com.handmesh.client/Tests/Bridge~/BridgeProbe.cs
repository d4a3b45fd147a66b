using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using HandMesh.Client.Core.Bridge;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Protocol;

namespace HandMesh.Client.BridgeProbe
{
    /// <summary>
    /// The C# side of tests/test_game_bridge_csharp.py: runs the core's side-channel code
    /// (Runtime/Core/Bridge) on bytes pytest prepares and prints JSON lines. It frames and
    /// unframes side-channel messages as ML-Agents' C# SideChannelManager does (the channel
    /// Guid's bytes, an int32 little-endian length, the payload), which the engine layer
    /// leaves to ML-Agents. In a folder Unity ignores (the trailing ~).
    /// </summary>
    public static class BridgeProbeMain
    {
        static readonly Guid Channel = new Guid(BridgeIds.SideChannelId);

        public static int Main(string[] args)
        {
            switch (args.Length > 0 ? args[0] : "")
            {
                case "layout": return Layout();
                case "write": return Write(File.ReadAllBytes(args[1]));
                case "read": return Read(File.ReadAllBytes(args[1]));
                default:
                    Console.Error.WriteLine("usage: BridgeProbe layout | write HANDS_FILE | read FRAMED_FILE");
                    return 2;
            }
        }

        static int Layout()
        {
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{{\"action_size\": {0}, \"wrist_position\": {1}, \"wrist_rotation\": {2}, \"local_rotations\": {3}, " +
                "\"observation_size\": {4}, \"objects_start\": {5}, \"targets_start\": {6}, \"object_slots\": {7}, " +
                "\"target_slots\": {8}, \"channel_id\": \"{9}\", \"behavior\": \"{10}\"}}",
                ActionLayout.Size, ActionLayout.WristPosition, ActionLayout.WristRotation, ActionLayout.LocalRotations,
                ObservationLayout.Size, ObservationLayout.ObjectsStart, ObservationLayout.TargetsStart,
                ObservationLayout.ObjectSlots, ObservationLayout.TargetSlots, BridgeIds.SideChannelId, BridgeIds.BehaviorName));
            return 0;
        }

        /// <summary>What the engine sends after two steps: the ack of a step that came with
        /// the given hands message, a grab and a delivery, and the ack of a policy's step.</summary>
        static int Write(byte[] hands)
        {
            var context = new StepContext();
            context.Receive(hands, 1000);
            var payloads = new List<byte[]>
            {
                context.Ack(1, 900, 1750),
                BridgeCodec.EncodeEvent(new GameEvent { Kind = GameEvent.Grab, ObjectId = 2, Step = 1, TEventNs = 1700, Score = 0 }),
                BridgeCodec.EncodeEvent(new GameEvent { Kind = GameEvent.Deliver, ObjectId = 2, Step = 2, TEventNs = 2600, Score = 10, TargetId = 1 }),
                context.Ack(2, 2000, 2500),
            };
            Console.WriteLine("{\"framed\": \"" + Hex(Frame(payloads)) + "\", \"event\": \"" + Hex(payloads[2]) + "\"}");
            return 0;
        }

        /// <summary>Decodes Python's side-channel bytes; for each hands message after a rig,
        /// also poses the hand from the action built of its pose and prints the keypoints.</summary>
        static int Read(byte[] framed)
        {
            var context = new StepContext();
            foreach (byte[] payload in Unframe(framed))
            {
                int refusedBefore = context.Refused;
                context.Receive(payload, 0);
                if (context.Refused > refusedBefore)
                {
                    Console.WriteLine("{\"refused\": \"" + context.LastError.Replace("\"", "'") + "\"}");
                    continue;
                }
                Message message = BridgeCodec.DecodeInbound(payload);
                var rig = message as Rig;
                if (rig != null)
                {
                    Console.WriteLine("{\"type\": \"rig\", \"rig\": \"" + rig.RigId + "\"}");
                    continue;
                }
                var hands = (Hands)message;
                var line = new StringBuilder("{\"type\": \"hands\", \"stream\": \"" + hands.Stream + "\", \"seq\": " + hands.Seq);
                if (context.Rig != null && hands.HandList.Count > 0)
                {
                    HandPose pose = ActionLayout.ToHandPose(ActionOf(hands.HandList[0]), RigGeometry.FromRig(context.Rig, false));
                    line.Append(", \"keypoints\": [");
                    for (int k = 0; k < pose.Keypoints.Length; k++)
                    {
                        Vec3 camera = UnityFrame.Position(pose.Keypoints[k].X, pose.Keypoints[k].Y, pose.Keypoints[k].Z);
                        line.Append(string.Format(CultureInfo.InvariantCulture, "{0}[{1:R}, {2:R}, {3:R}]", k == 0 ? "" : ", ", camera.X, camera.Y, camera.Z));
                    }
                    line.Append("]");
                }
                Console.WriteLine(line.Append("}").ToString());
            }
            return 0;
        }

        static float[] ActionOf(Hand hand)
        {
            var action = new float[ActionLayout.Size];
            Array.Copy(hand.WristPosition.ToFloats(), 0, action, ActionLayout.WristPosition, 3);
            Array.Copy(hand.WristRotation.ToFloats(), 0, action, ActionLayout.WristRotation, 4);
            Array.Copy(hand.LocalRotations.ToFloats(), 0, action, ActionLayout.LocalRotations, 4 * Skeleton.LocalRotationCount);
            return action;
        }

        static byte[] Frame(List<byte[]> payloads)
        {
            var framed = new MemoryStream();
            foreach (byte[] payload in payloads)
            {
                framed.Write(Channel.ToByteArray(), 0, 16);
                framed.Write(BitConverter.GetBytes(payload.Length), 0, 4);
                framed.Write(payload, 0, payload.Length);
            }
            return framed.ToArray();
        }

        static List<byte[]> Unframe(byte[] framed)
        {
            var payloads = new List<byte[]>();
            for (int offset = 0; offset < framed.Length;)
            {
                var id = new byte[16];
                Array.Copy(framed, offset, id, 0, 16);
                int length = BitConverter.ToInt32(framed, offset + 16);
                var payload = new byte[length];
                Array.Copy(framed, offset + 20, payload, 0, length);
                offset += 20 + length;
                if (new Guid(id) == Channel) payloads.Add(payload);
            }
            return payloads;
        }

        static string Hex(byte[] bytes)
        {
            return BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant();
        }
    }
}
