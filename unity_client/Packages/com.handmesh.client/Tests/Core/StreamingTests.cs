using System.Threading;
using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Streaming;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    [TestFixture]
    public class StreamingTests
    {
        const long Ms = 1000000;

        [Test]
        public void TheSlotHandsOverOnlyTheNewestAndCountsTheRest()
        {
            var slot = new LatestSlot<string>();
            string item;
            int skipped;
            Assert.IsFalse(slot.TryTake(out item, out skipped));
            slot.Put("a");
            slot.Put("b");
            slot.Put("c");
            Assert.IsTrue(slot.TryTake(out item, out skipped));
            Assert.AreEqual("c", item);
            Assert.AreEqual(2, skipped);
            Assert.IsFalse(slot.TryTake(out item, out skipped));
            Assert.AreEqual(2, slot.TotalOverwritten);
        }

        [Test]
        [Timeout(10000)]
        public void NothingIsLostOrDuplicatedBetweenThreads()
        {
            var slot = new LatestSlot<object>();
            const int count = 20000;
            var producer = new Thread(() =>
            {
                for (int i = 0; i < count; i++) slot.Put(new object());
            });
            producer.Start();
            long taken = 0, skippedTotal = 0;
            while (producer.IsAlive || taken + skippedTotal < count)
            {
                object item;
                int skipped;
                if (slot.TryTake(out item, out skipped))
                {
                    taken++;
                    skippedTotal += skipped;
                }
            }
            Assert.AreEqual(count, taken + skippedTotal);
        }

        [Test]
        public void PercentilesInterpolateLikeNumpyOverTheRollingWindow()
        {
            var window = new RollingPercentiles(4);
            Assert.IsNaN(window.Percentile(50));
            foreach (double sample in new[] { 100.0, 1, 2, 3, 4 }) window.Add(sample); // 100 rolls out
            Assert.AreEqual(2.5, window.Percentile(50), 1e-12);
            Assert.AreEqual(3.85, window.Percentile(95), 1e-12);
        }

        [Test]
        public void LatencyKeepsImplausibleSamplesOutOfThePercentiles()
        {
            var stats = new LatencyStats();
            stats.Record(0, 10 * Ms, 20 * Ms, 0);
            stats.Record(0, 20 * Ms, 40 * Ms, 3);
            stats.Record(100 * Ms, 0, 50 * Ms, 0); // applied before captured: another clock
            Assert.AreEqual(3, stats.Applied);
            Assert.AreEqual(3, stats.Dropped);
            Assert.AreEqual(1, stats.Implausible);
            Assert.AreEqual(30, stats.EndToEndP50Ms, 1e-9);
            Assert.AreEqual(15, stats.ReceiveP50Ms, 1e-9);
        }

        [Test]
        public void InterpolationShowsTheLastTwoPosesOneIntervalLate()
        {
            var poses = new PoseInterpolator { Mode = SmoothingMode.Interpolate };
            poses.Push(PoseAt(0), 0);
            poses.Push(PoseAt(1), 100 * Ms);
            Assert.AreEqual(100, poses.StreamIntervalMs, 1e-9);
            Assert.AreEqual(0, poses.Sample(100 * Ms).WristPosition.X, 1e-6);
            Assert.AreEqual(0.5f, poses.Sample(150 * Ms).WristPosition.X, 1e-6);
            Assert.AreEqual(1, poses.Sample(250 * Ms).WristPosition.X, 1e-6);
        }

        [Test]
        public void ExtrapolationContinuesTheMotionUpToItsCap()
        {
            var poses = new PoseInterpolator { Mode = SmoothingMode.Extrapolate, MaxExtrapolation = 0.5f };
            poses.Push(PoseAt(0), 0);
            poses.Push(PoseAt(1), 100 * Ms);
            Assert.AreEqual(1, poses.Sample(100 * Ms).WristPosition.X, 1e-6);
            Assert.AreEqual(1.25f, poses.Sample(125 * Ms).WristPosition.X, 1e-6);
            Assert.AreEqual(1.5f, poses.Sample(190 * Ms).WristPosition.X, 1e-6);
        }

        [Test]
        public void AStaleOrMissingHandIsGone()
        {
            var poses = new PoseInterpolator { StaleAfterNs = 500 * Ms };
            poses.Push(PoseAt(0), 0);
            Assert.IsNotNull(poses.Sample(400 * Ms));
            Assert.IsNull(poses.Sample(600 * Ms));
            poses.Push(null, 700 * Ms);
            Assert.IsNull(poses.Sample(700 * Ms));
        }

        [Test]
        public void RotationsInterpolateAlongTheShorterArc()
        {
            var a = PoseAt(0);
            var b = PoseAt(0);
            b.WristRotation = new Quat(0, 0, -0.7071068f, -0.7071068f); // 90° about z, written with w < 0
            HandPose half = HandPose.Blend(a, b, 0.5f);
            Assert.AreEqual(0.9238795f, System.Math.Abs(half.WristRotation.W), 1e-5);
        }

        [Test]
        public void TheEngineClockIsUnixNanosecondsAndNeverGoesBack()
        {
            long first = EngineClock.NowNs();
            long second = EngineClock.NowNs();
            Assert.GreaterOrEqual(second, first);
            Assert.Greater(first, 1600000000L * 1000000000L); // after 2020
        }

        static HandPose PoseAt(float x)
        {
            var pose = new HandPose { WristPosition = new Vec3(x, 0, 0.5f), WristRotation = Quat.Identity };
            for (int j = 0; j < pose.LocalRotations.Length; j++) pose.LocalRotations[j] = Quat.Identity;
            return pose;
        }
    }
}
