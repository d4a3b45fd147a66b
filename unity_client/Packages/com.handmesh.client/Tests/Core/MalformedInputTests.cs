using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using HandMesh.Client.Core.Msgpack;
using HandMesh.Client.Core.Protocol;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    /// <summary>Whatever the bytes, the decoder answers with a ProtocolException, quickly, without allocating what a length prefix claims.</summary>
    [TestFixture]
    public class MalformedInputTests
    {
        static ProtocolException Refused(byte[] data)
        {
            return Assert.Throws<ProtocolException>(() => MessageDecoder.Decode(data));
        }

        [Test]
        [Timeout(20000)]
        public void EveryTruncationOfEveryVectorIsRefused()
        {
            int refused = 0;
            foreach (string path in TestVectors.Valid)
            {
                byte[] whole = File.ReadAllBytes(path);
                for (int length = 0; length < whole.Length; length++)
                {
                    var prefix = new byte[length];
                    Buffer.BlockCopy(whole, 0, prefix, 0, length);
                    Refused(prefix);
                    refused++;
                }
            }
            Assert.Greater(refused, 10000);
        }

        [Test]
        public void EverySingleByteChangeEitherDecodesOrIsRefusedWithAProtocolException()
        {
            byte[] hands = TestVectors.Read("hands_one_f16");
            var random = new Random(7);
            for (int trial = 0; trial < 3000; trial++)
            {
                var mutated = (byte[])hands.Clone();
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                try
                {
                    MessageDecoder.Decode(mutated);
                }
                catch (ProtocolException)
                {
                    // the only acceptable failure
                }
            }
        }

        [TestCase(new byte[] { 0xc6, 0xff, 0xff, 0xff, 0xff }, TestName = "bin32 claiming 4 GiB")]
        [TestCase(new byte[] { 0xdb, 0xff, 0xff, 0xff, 0xff }, TestName = "str32 claiming 4 GiB")]
        [TestCase(new byte[] { 0xdd, 0xff, 0xff, 0xff, 0xff }, TestName = "array32 claiming 4 billion items")]
        [TestCase(new byte[] { 0xdf, 0xff, 0xff, 0xff, 0xff }, TestName = "map32 claiming 4 billion keys")]
        [TestCase(new byte[] { 0x81, 0xa1, 0x62, 0xc5, 0xff, 0xff }, TestName = "bin16 longer than the message")]
        public void HugeLengthPrefixesAreRefusedBeforeAllocating(byte[] data)
        {
            long before = GC.GetTotalMemory(false);
            var watch = Stopwatch.StartNew();
            StringAssert.Contains("not a valid msgpack message", Refused(data).Message);
            Assert.Less(watch.ElapsedMilliseconds, 1000);
            Assert.Less(GC.GetTotalMemory(false) - before, 1 << 20);
        }

        [Test]
        public void DeepNestingIsRefusedWithoutExhaustingTheStack()
        {
            var nested = new byte[60000];
            for (int i = 0; i < nested.Length; i++) nested[i] = 0x91; // a list holding a list holding ...
            StringAssert.Contains("nested deeper", Refused(nested).Message);
        }

        [Test]
        public void ALargeMessageMayNotBuildMoreThanTheContainerBudget()
        {
            var writer = new MsgpackWriter();
            writer.MapHeader(3);
            writer.String("v");
            writer.Integer(1);
            writer.String("t");
            writer.String("hands");
            writer.String("pad");
            writer.ArrayHeader(40);
            for (int i = 0; i < 40; i++)
            {
                writer.ArrayHeader(60);
                for (int j = 0; j < 60; j++) writer.ArrayHeader(0);
            }
            writer.String("x");
            writer.Binary(new byte[70000]); // over SMALL_MESSAGE_BYTES: the budget applies
            StringAssert.Contains("maps and lists", Refused(writer.ToArray()).Message);
        }

        [Test]
        public void AMessageOverTheSizeLimitIsTooLargeBeforeUnpacking()
        {
            Assert.AreEqual(ErrorCode.TooLarge, Refused(new byte[ProtocolLimits.MaxMessageBytes + 1]).Code);
        }

        [Test]
        public void WrongTypesNameTheirField()
        {
            var cases = new Dictionary<string, string>
            {
                { "n", "expected an integer, got str" },
                { "tr", "expected an integer, got float" },
                { "s", "expected a string, got bin" },
            };
            foreach (KeyValuePair<string, string> entry in cases)
            {
                byte[] ack = AckWith(entry.Key);
                ProtocolException error = Refused(ack);
                Assert.AreEqual(entry.Key, error.Field);
                Assert.AreEqual(entry.Value, error.Detail);
            }
        }

        [Test]
        public void InvalidUtf8IsRefused()
        {
            Refused(new byte[] { 0x81, 0xa1, 0x76, 0xa2, 0xc3, 0x28 });
        }

        /// <summary>The ack vector with one field replaced by a value of the wrong kind.</summary>
        static byte[] AckWith(string wrongKey)
        {
            var writer = new MsgpackWriter();
            writer.MapHeader(6);
            writer.String("v");
            writer.Integer(1);
            writer.String("t");
            writer.String("ack");
            foreach (string key in new[] { "s", "n", "tr", "ta" })
            {
                writer.String(key);
                if (key != wrongKey) WriteValid(writer, key);
                else if (key == "n") writer.String("4");
                else if (key == "tr") writer.Double(1.5);
                else writer.Binary(new byte[] { 0x63 });
            }
            return writer.ToArray();
        }

        static void WriteValid(MsgpackWriter writer, string key)
        {
            if (key == "s") writer.String("cam0");
            else writer.Integer(4);
        }
    }
}
