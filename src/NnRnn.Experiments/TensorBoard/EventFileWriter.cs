using System.Numerics;
using System.Text;

namespace NnRnn.Experiments.TensorBoard;

/// <summary>
/// A TensorBoard event file: TFRecord framing (uint64 length, masked CRC-32C of the length, the
/// record, masked CRC-32C of the record; little-endian) around <c>Event</c> protobuf messages,
/// encoded by hand: Event {1: wall_time double, 2: step int64, 3: file_version string,
/// 5: summary, 6: session_log}, Summary {1: repeated Value}, Value {1: tag, 2: simple_value float},
/// SessionLog {1: status}. (TorchSharp's SummaryWriter records wall time as 0 or in .NET ticks
/// rather than Unix seconds and reopens the file for every scalar, so we write our own.)
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    private static int files;   // several files in one process and second stay apart
    private readonly FileStream stream;

    /// <summary>Creates <c>events.out.tfevents.SECONDS.HOST.PID.N</c> in <paramref name="directory"/> and writes the version event.</summary>
    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref files)}");
        stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var e = Event(0);
        Field(e, 3, Encoding.UTF8.GetBytes("brain.Event:2"));
        Write(e);
    }

    public string Path { get; }

    /// <summary>Scalars at <paramref name="step"/>, one event.</summary>
    public void Scalars(long step, IEnumerable<(string Tag, double Value)> values)
    {
        var summary = new MemoryStream();
        foreach (var (tag, value) in values)
        {
            var v = new MemoryStream();
            Field(v, 1, Encoding.UTF8.GetBytes(tag));
            Key(v, 2, 5);
            v.Write(BitConverter.GetBytes((float)value));   // little-endian on every .NET platform we run on
            Field(summary, 1, v.ToArray());
        }
        var e = Event(step);
        Field(e, 5, summary.ToArray());
        Write(e);
    }

    /// <summary>A session (re)start at <paramref name="step"/>: TensorBoard drops events of earlier sessions from this step on (a resumed run).</summary>
    public void SessionStart(long step)
    {
        var log = new MemoryStream();
        Key(log, 1, 0);
        Varint(log, 1);   // SessionLog.START
        var e = Event(step);
        Field(e, 6, log.ToArray());
        Write(e);
    }

    public void Dispose() => stream.Dispose();

    private static MemoryStream Event(long step)
    {
        var e = new MemoryStream();
        Key(e, 1, 1);
        e.Write(BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0));
        Key(e, 2, 0);
        Varint(e, (ulong)step);
        return e;
    }

    private void Write(MemoryStream message)
    {
        var data = message.ToArray();
        var length = BitConverter.GetBytes((ulong)data.Length);
        stream.Write(length);
        stream.Write(BitConverter.GetBytes(MaskedCrc(length)));
        stream.Write(data);
        stream.Write(BitConverter.GetBytes(MaskedCrc(data)));
        stream.Flush();   // every event reaches the file: a killed run keeps what it logged
    }

    /// <summary>TFRecord's masked CRC-32C (Castagnoli): rotate right by 15, add 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private static void Key(Stream s, int field, int wireType) => Varint(s, (ulong)(field << 3 | wireType));

    private static void Field(Stream s, int field, byte[] bytes)
    {
        Key(s, field, 2);
        Varint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void Varint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
