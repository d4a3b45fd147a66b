using System.IO;
using HandMesh.Client.Core.Protocol;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// The rig shipped in StreamingAssets (written by `handmesh export-rig`), so the hand can
    /// be built before, or without, a server's answer. Read with System.IO, which works in
    /// the Editor and desktop players (on Android, StreamingAssets sit inside the APK and the
    /// client waits for the server's rig instead).
    /// </summary>
    public static class BundledRig
    {
        public const string RelativePath = "HandMesh/rig.msgpack";

        /// <summary>The bundled rig, or null (with a warning saying why) when it is missing or invalid.</summary>
        public static Rig Load()
        {
            string path = Path.Combine(Application.streamingAssetsPath, RelativePath);
            if (!File.Exists(path))
            {
                Debug.LogWarning("HandMesh: no bundled rig at " + path + "; waiting for the server's (`handmesh export-rig --out " + path + "` adds one)");
                return null;
            }
            try
            {
                return MessageDecoder.Decode(File.ReadAllBytes(path)) as Rig;
            }
            catch (ProtocolException error)
            {
                Debug.LogWarning("HandMesh: the bundled rig " + path + " is invalid: " + error.Message);
                return null;
            }
        }
    }
}
