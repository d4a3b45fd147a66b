using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Protocol;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// A hand built at run time from a rig (no asset needed): one bone per joint, a skinned
    /// mesh with the rig's bind poses and four bone weights per vertex, and kinematic capsule
    /// colliders along the finger bones so the hand pushes objects. Posed from a
    /// <see cref="HandPose"/> by setting bone rotations (the rig's skinning does the rest),
    /// or, in direct-vertex mode, by showing the network's own mesh instead.
    /// Lives under the hand-space transform: camera-relative, meters, Unity's axes.
    /// </summary>
    public sealed class RiggedHand : MonoBehaviour
    {
        const float FingerRadiusM = 0.008f;

        Transform[] bones;
        SkinnedMeshRenderer skin;
        Mesh skinnedMesh;
        MeshRenderer directRenderer;
        Mesh directMesh;
        Vector3[] directVertices;

        /// <summary>Show the network's mesh (hand.vt) instead of the skinned rig, when the result carries vertices.</summary>
        public bool ShowNetworkMesh;

        public string RigId { get; private set; }

        public static RiggedHand Build(Transform handSpace, RigGeometry rig, Material material)
        {
            var root = new GameObject(rig.Mirrored ? "Left hand" : "Right hand");
            root.transform.SetParent(handSpace, false);
            var hand = root.AddComponent<RiggedHand>();
            hand.RigId = rig.RigId;
            hand.bones = BuildBones(root.transform, rig);
            Mesh mesh = BuildMesh(rig);
            hand.skinnedMesh = mesh;
            hand.skin = root.AddComponent<SkinnedMeshRenderer>();
            hand.skin.sharedMesh = mesh;
            hand.skin.bones = hand.bones;
            hand.skin.rootBone = hand.bones[0];
            hand.skin.sharedMaterial = material;
            hand.skin.updateWhenOffscreen = true; // bounds follow the bones, not the rest pose
            hand.BuildDirectMesh(mesh, material);
            AddFingerColliders(root, hand.bones, rig);
            root.SetActive(false);
            return hand;
        }

        /// <summary>Poses the hand; null hides it.</summary>
        public void Apply(HandPose pose)
        {
            gameObject.SetActive(pose != null);
            if (pose == null) return;
            bones[0].localPosition = pose.WristPosition.ToVector3();
            bones[0].localRotation = pose.WristRotation.ToQuaternion();
            for (int j = 1; j < bones.Length; j++) bones[j].localRotation = pose.LocalRotations[j - 1].ToQuaternion();
            bool direct = ShowNetworkMesh && pose.Vertices != null && pose.Vertices.Length == directVertices.Length;
            if (direct)
            {
                UnityConversions.CopyTo(pose.Vertices, directVertices);
                directMesh.vertices = directVertices;
                directMesh.RecalculateNormals();
                directMesh.RecalculateBounds();
            }
            skin.enabled = !direct;
            directRenderer.enabled = direct;
        }

        /// <summary>Meshes made at run time are not freed with their GameObject (a rebuilt hand would leak them).</summary>
        void OnDestroy()
        {
            if (skinnedMesh != null) Destroy(skinnedMesh);
            if (directMesh != null) Destroy(directMesh);
        }

        static Transform[] BuildBones(Transform root, RigGeometry rig)
        {
            var bones = new Transform[Skeleton.JointCount];
            for (int j = 0; j < bones.Length; j++)
            {
                bones[j] = new GameObject(rig.JointNames[j]).transform;
                int parent = rig.Parents[j];
                bones[j].SetParent(parent < 0 ? root : bones[parent], false);
                bones[j].localPosition = rig.RestLocalPositions[j].ToVector3();
                bones[j].localRotation = Quaternion.identity;
            }
            return bones;
        }

        static Mesh BuildMesh(RigGeometry rig)
        {
            var mesh = new Mesh { name = rig.RigId };
            var vertices = new Vector3[rig.Vertices.Length];
            UnityConversions.CopyTo(rig.Vertices, vertices);
            mesh.vertices = vertices;
            mesh.triangles = rig.Triangles;
            var weights = new BoneWeight[vertices.Length];
            for (int v = 0; v < weights.Length; v++)
            {
                int o = v * 4;
                weights[v] = new BoneWeight
                {
                    boneIndex0 = rig.BoneIndices[o], weight0 = rig.BoneWeights[o],
                    boneIndex1 = rig.BoneIndices[o + 1], weight1 = rig.BoneWeights[o + 1],
                    boneIndex2 = rig.BoneIndices[o + 2], weight2 = rig.BoneWeights[o + 2],
                    boneIndex3 = rig.BoneIndices[o + 3], weight3 = rig.BoneWeights[o + 3],
                };
            }
            mesh.boneWeights = weights;
            var bindPoses = new Matrix4x4[rig.BindPoses.Length];
            for (int j = 0; j < bindPoses.Length; j++) bindPoses[j] = UnityConversions.ToMatrix(rig.BindPoses[j]);
            mesh.bindposes = bindPoses;
            mesh.RecalculateNormals();
            mesh.RecalculateBounds();
            return mesh;
        }

        void BuildDirectMesh(Mesh rigMesh, Material material)
        {
            var holder = new GameObject("Network mesh");
            holder.transform.SetParent(transform, false); // the root sits at hand-space identity, like the vertices
            directMesh = new Mesh { name = "network mesh" };
            directMesh.MarkDynamic();
            directVertices = rigMesh.vertices;
            directMesh.vertices = directVertices;
            directMesh.triangles = rigMesh.triangles;
            holder.AddComponent<MeshFilter>().sharedMesh = directMesh;
            directRenderer = holder.AddComponent<MeshRenderer>();
            directRenderer.sharedMaterial = material;
            directRenderer.enabled = false;
        }

        /// <summary>A capsule along each finger bone, to the next keypoint; the kinematic body makes them push, not be pushed.</summary>
        static void AddFingerColliders(GameObject root, Transform[] bones, RigGeometry rig)
        {
            var body = root.AddComponent<Rigidbody>();
            body.isKinematic = true;
            body.interpolation = RigidbodyInterpolation.None;
            for (int j = 1; j < bones.Length; j++)
            {
                Vector3 segment = rig.BoneSegment(j).ToVector3();
                var capsuleHolder = new GameObject("collider");
                capsuleHolder.transform.SetParent(bones[j], false);
                capsuleHolder.transform.localPosition = segment * 0.5f;
                capsuleHolder.transform.localRotation = Quaternion.FromToRotation(Vector3.up, segment);
                var capsule = capsuleHolder.AddComponent<CapsuleCollider>();
                capsule.direction = 1;
                capsule.radius = FingerRadiusM;
                capsule.height = segment.magnitude + 2 * FingerRadiusM;
            }
        }
    }
}
