using System;

namespace HandMesh.Client.Core.Protocol
{
    /// <summary>
    /// The rules that tie a rig's arrays together (PROTOCOL.md §4, rig), checked in the same
    /// order as the Python decoder so both name the same field: one skinning row per vertex,
    /// indices in range, weights that sum to one, the protocol's joint tree, rest joints on
    /// the articulated keypoints, bind poses that invert the rest joints.
    /// </summary>
    public static class RigRules
    {
        /// <summary>float32 positions of a hand-sized model are exact to ~1e-8 m; 0.1 mm is generous.</summary>
        public const double RestToleranceM = 1e-4;
        public const double SkinWeightTolerance = 1e-3;

        public static void Check(Rig rig)
        {
            int vertexCount = rig.Vertices.Shape[0];
            CheckRows(rig.SkinIndices, vertexCount, "si");
            CheckRows(rig.SkinWeights, vertexCount, "sw");
            CheckIndicesBelow(rig.Faces, vertexCount, "f", "vertex");
            CheckIndicesBelow(rig.TipVertices, vertexCount, "tip", "vertex");
            CheckIndicesBelow(rig.SkinIndices, Skeleton.JointCount, "si", "joint");
            CheckWeights(rig.SkinWeights);
            CheckParents(rig.Parents);
            CheckRestJoints(rig.RestJoints, rig.RestKeypoints);
            CheckBindPoses(rig.BindPoses, rig.RestJoints);
        }

        static void CheckRows(WireArray array, int vertexCount, string key)
        {
            if (array.Shape[0] != vertexCount)
                throw Fault(key, string.Format("{0} rows for {1} vertices", array.Shape[0], vertexCount));
        }

        static void CheckIndicesBelow(WireArray array, int count, string key, string what)
        {
            int[] indices = array.ToInts();
            for (int i = 0; i < indices.Length; i++)
            {
                if (indices[i] < 0 || indices[i] >= count)
                    throw Fault(key, string.Format("{0} index outside [0, {1}]", what, count - 1));
            }
        }

        static void CheckWeights(WireArray weights)
        {
            int rows = weights.Shape[0];
            for (int row = 0; row < rows; row++)
            {
                double sum = 0;
                for (int k = 0; k < 4; k++)
                {
                    double weight = weights.GetDouble(row * 4 + k);
                    if (weight < 0) throw Fault("sw", "weights must be ≥ 0 and sum to 1 per vertex");
                    sum += weight;
                }
                if (Math.Abs(sum - 1) > SkinWeightTolerance) throw Fault("sw", "weights must be ≥ 0 and sum to 1 per vertex");
            }
        }

        static void CheckParents(WireArray parents)
        {
            int[] values = parents.ToInts();
            for (int j = 0; j < Skeleton.JointCount; j++)
            {
                if (values[j] != Skeleton.JointParents[j]) throw Fault("par", "not the protocol's joint tree");
            }
        }

        static void CheckRestJoints(WireArray restJoints, WireArray restKeypoints)
        {
            for (int j = 0; j < Skeleton.JointCount; j++)
            {
                int keypoint = Skeleton.ArticulatedKeypoints[j];
                for (int axis = 0; axis < 3; axis++)
                {
                    double difference = restKeypoints.GetDouble(keypoint * 3 + axis) - restJoints.GetDouble(j * 3 + axis);
                    if (Math.Abs(difference) > RestToleranceM) throw Fault("rj", "must equal the articulated rest keypoints");
                }
            }
        }

        static void CheckBindPoses(WireArray bindPoses, WireArray restJoints)
        {
            const string rule = "must be affine and map each rest joint to the origin (inverse rest)";
            for (int j = 0; j < Skeleton.JointCount; j++)
            {
                int matrix = j * 16;
                if (bindPoses.GetDouble(matrix + 12) != 0 || bindPoses.GetDouble(matrix + 13) != 0
                    || bindPoses.GetDouble(matrix + 14) != 0 || bindPoses.GetDouble(matrix + 15) != 1)
                    throw Fault("bp", rule);
                for (int row = 0; row < 3; row++)
                {
                    double mapped = bindPoses.GetDouble(matrix + row * 4 + 3);
                    for (int column = 0; column < 3; column++)
                        mapped += bindPoses.GetDouble(matrix + row * 4 + column) * restJoints.GetDouble(j * 3 + column);
                    if (Math.Abs(mapped) > RestToleranceM) throw Fault("bp", rule);
                }
            }
        }

        static ProtocolException Fault(string key, string detail)
        {
            return new ProtocolException(detail, ErrorCode.BadMessage, key);
        }
    }
}
