using HandMesh.Client.Core.Coordinates;
using HandMesh.Client.Core.Game;
using HandMesh.Client.Core.Posing;
using HandMesh.Client.Core.Streaming;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    [TestFixture]
    public class GameplayTests
    {
        [Test]
        public void APinchClosesBelowAndOpensOnlyAboveItsHysteresis()
        {
            var pinch = new PinchDetector();
            Assert.IsFalse(pinch.Update(HandWithGap(0.06f)));
            Assert.IsTrue(pinch.Update(HandWithGap(0.02f)));
            Assert.IsTrue(pinch.IsPinching);
            Assert.IsFalse(pinch.Update(HandWithGap(0.035f))); // between the thresholds: still held
            Assert.IsTrue(pinch.IsPinching);
            Assert.AreEqual(0.5f + 0.0175f, pinch.PinchPoint.X, 1e-6);
            Assert.IsTrue(pinch.Update(HandWithGap(0.05f)));
            Assert.IsFalse(pinch.IsPinching);
        }

        [Test]
        public void ALostHandDropsWhatItHeld()
        {
            var pinch = new PinchDetector();
            pinch.Update(HandWithGap(0.01f));
            Assert.IsTrue(pinch.Update(null));
            Assert.IsFalse(pinch.IsPinching);
        }

        [Test]
        public void EachObjectScoresOnceAndOnlyWhileTheRoundRuns()
        {
            var round = new GameRound(60);
            Assert.AreEqual(10, round.Dropped(1, 10));
            Assert.AreEqual(0, round.Dropped(1, 10));
            Assert.AreEqual(5, round.Dropped(2, 5));
            round.Tick(59.5);
            Assert.AreEqual(0.5, round.RemainingS, 1e-9);
            round.Tick(1);
            Assert.IsTrue(round.IsOver);
            Assert.AreEqual(0, round.Dropped(3, 10));
            Assert.AreEqual(15, round.Score);
            round.Restart();
            Assert.AreEqual(0, round.Score);
            Assert.AreEqual(10, round.Dropped(1, 10));
        }

        [Test]
        public void TheRoundKnowsWhichObjectsWereDeliveredUntilItRestarts()
        {
            var round = new GameRound(60);
            Assert.IsFalse(round.IsDelivered(3));
            round.Dropped(3, 25);
            Assert.IsTrue(round.IsDelivered(3));
            Assert.IsFalse(round.IsDelivered(4));
            round.Restart();
            Assert.IsFalse(round.IsDelivered(3));
        }

        [Test]
        public void ATargetZoneHoldsWhatIsInsideItsBoxFacesIncluded()
        {
            var zone = new TargetZone(1, 25, new Vec3(0.2f, -0.08f, 0.55f), new Vec3(0.12f, 0.08f, 0.12f));
            Assert.AreEqual(1, zone.Id);
            Assert.AreEqual(25, zone.Points);
            Assert.IsTrue(zone.Contains(new Vec3(0.2f, -0.08f, 0.55f)));
            Assert.IsTrue(zone.Contains(new Vec3(0.25f, -0.11f, 0.6f)));
            Assert.IsFalse(zone.Contains(new Vec3(0.27f, -0.08f, 0.55f)));
            Assert.IsFalse(zone.Contains(new Vec3(0.2f, -0.13f, 0.55f)));
            Assert.IsFalse(zone.Contains(new Vec3(0.2f, -0.08f, 0.62f)));
            var unit = new TargetZone(0, 10, new Vec3(0, 0, 0), new Vec3(1, 0.5f, 0.25f));
            Assert.IsTrue(unit.Contains(new Vec3(0.5f, -0.25f, 0.125f)));
            Assert.IsFalse(unit.Contains(new Vec3(0.5f, -0.25f, 0.126f)));
        }

        [Test]
        public void ATargetZoneNeedsAPositiveSize()
        {
            Assert.Throws<System.ArgumentOutOfRangeException>(() => new TargetZone(0, 10, new Vec3(0, 0, 0), new Vec3(0.1f, 0, 0.1f)));
        }

        [Test]
        public void TheHudSaysWhenThereIsNoServerAndNoLatencyYet()
        {
            var settings = new ClientSettings { RouterEndpoint = "tcp://127.0.0.1:1", PubEndpoint = "tcp://127.0.0.1:1" };
            using (var client = new HandMeshClient(settings))
            {
                string text = HudReport.Format(59.6, new LatencyStats(), client);
                StringAssert.Contains("render 60 fps", text);
                StringAssert.Contains("p50 – / p95 – ms", text);
                StringAssert.Contains("results stopped", text);
            }
        }

        static HandPose HandWithGap(float gapM)
        {
            var pose = new HandPose();
            for (int k = 0; k < pose.Keypoints.Length; k++) pose.Keypoints[k] = new Vec3(0.5f, 0, 0.4f);
            pose.Keypoints[8] = new Vec3(0.5f + gapM, 0, 0.4f);
            return pose;
        }
    }
}
