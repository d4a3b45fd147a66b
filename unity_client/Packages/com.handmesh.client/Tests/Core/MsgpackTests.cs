using System.Collections.Generic;
using HandMesh.Client.Core.Msgpack;
using NUnit.Framework;

namespace HandMesh.Client.Core.Tests
{
    [TestFixture]
    public class MsgpackTests
    {
        [TestCase(0L, new byte[] { 0x00 })]
        [TestCase(127L, new byte[] { 0x7f })]
        [TestCase(128L, new byte[] { 0xcc, 0x80 })]
        [TestCase(65535L, new byte[] { 0xcd, 0xff, 0xff })]
        [TestCase(65536L, new byte[] { 0xce, 0x00, 0x01, 0x00, 0x00 })]
        [TestCase(-1L, new byte[] { 0xff })]
        [TestCase(-33L, new byte[] { 0xd0, 0xdf })]
        [TestCase(-129L, new byte[] { 0xd1, 0xff, 0x7f })]
        [TestCase(long.MinValue, new byte[] { 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0 })]
        public void IntegersTakeTheSmallestFormatAndReadBack(long value, byte[] expected)
        {
            var writer = new MsgpackWriter();
            writer.Integer(value);
            CollectionAssert.AreEqual(expected, writer.ToArray());
            Assert.AreEqual(value, MsgpackReader.Unpack(expected));
        }

        [Test]
        public void TheLargestUnsigned64BitValueReadsAsUlong()
        {
            var writer = new MsgpackWriter();
            writer.Unsigned(ulong.MaxValue);
            Assert.AreEqual(ulong.MaxValue, MsgpackReader.Unpack(writer.ToArray()));
        }

        [Test]
        public void StringsOf32BytesUseStr8AsPythonWrites()
        {
            var writer = new MsgpackWriter();
            writer.String(new string('a', 32));
            byte[] bytes = writer.ToArray();
            Assert.AreEqual(0xd9, bytes[0]);
            Assert.AreEqual(32, bytes[1]);
        }

        [Test]
        public void MapsListsFloatsAndBinaryRoundTrip()
        {
            var writer = new MsgpackWriter();
            writer.MapHeader(2);
            writer.String("list");
            writer.ArrayHeader(3);
            writer.Double(0.1);
            writer.Nil();
            writer.Boolean(true);
            writer.String("bin");
            writer.Binary(new byte[300]);
            var map = (Dictionary<string, object>)MsgpackReader.Unpack(writer.ToArray());
            var list = (List<object>)map["list"];
            Assert.AreEqual(0.1, list[0]);
            Assert.IsNull(list[1]);
            Assert.AreEqual(true, list[2]);
            Assert.AreEqual(300, ((byte[])map["bin"]).Length);
        }

        [Test]
        public void Float32WidensExactly()
        {
            Assert.AreEqual((double)0.1f, MsgpackReader.Unpack(new byte[] { 0xca, 0x3d, 0xcc, 0xcc, 0xcd }));
        }
    }
}
