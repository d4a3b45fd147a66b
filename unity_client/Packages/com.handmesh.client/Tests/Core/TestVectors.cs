using System;
using System.IO;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    /// <summary>The protocol's golden vectors: $HANDMESH_VECTORS (pytest sets it), else protocol/vectors above the working directory (the repository, when the Unity project is opened from it).</summary>
    public static class TestVectors
    {
        public static string Folder
        {
            get
            {
                string folder = Environment.GetEnvironmentVariable("HANDMESH_VECTORS");
                if (!string.IsNullOrEmpty(folder)) return folder;
                for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory != null; directory = directory.Parent)
                {
                    string candidate = Path.Combine(Path.Combine(directory.FullName, "protocol"), "vectors");
                    if (Directory.Exists(candidate)) return candidate;
                }
                Assert.Ignore("protocol/vectors not found: set HANDMESH_VECTORS to the repository's protocol/vectors");
                return null;
            }
        }

        public static string[] Valid
        {
            get { return Directory.GetFiles(Folder, "*.msgpack"); }
        }

        public static byte[] Read(string name)
        {
            return File.ReadAllBytes(Path.Combine(Folder, name + ".msgpack"));
        }
    }
}
