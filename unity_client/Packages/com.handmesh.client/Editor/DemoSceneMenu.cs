using System.IO;
using UnityEditor;
using UnityEditor.SceneManagement;
using UnityEngine;

namespace HandMesh.Client.Editor
{
    /// <summary>
    /// HandMesh ▸ Create Demo Scene: a scene holding only the bootstrap component (which
    /// builds the rest at run time), for a project that installed the package and has no
    /// copy of the demo scene.
    /// </summary>
    public static class DemoSceneMenu
    {
        const string ScenePath = "Assets/Scenes/HandMeshDemo.unity";

        [MenuItem("HandMesh/Create Demo Scene")]
        static void CreateDemoScene()
        {
            if (!EditorSceneManager.SaveCurrentModifiedScenesIfUserWantsTo()) return;
            var scene = EditorSceneManager.NewScene(NewSceneSetup.EmptyScene, NewSceneMode.Single);
            new GameObject("HandMesh").AddComponent<HandMeshBootstrap>();
            Directory.CreateDirectory(Path.GetDirectoryName(ScenePath));
            EditorSceneManager.SaveScene(scene, ScenePath);
            Debug.Log("HandMesh: created " + ScenePath + "; start `handmesh serve` (or `handmesh replay FILE --mode results`) and press Play");
        }
    }
}
