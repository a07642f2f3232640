using System.Globalization;
using System.Text;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.TensorBoard;
using NnRnn.Experiments.Training;
using Xunit;

namespace NnRnn.Tests.Experiments;

/// <summary>--tensorboard: the event files read back by a reader of our own (framing, CRCs, protobuf).</summary>
public sealed class TensorBoardTests : IDisposable
{
    private readonly Data.TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private sealed record Event(double WallTime, long Step, string? FileVersion, List<(string Tag, float Value)> Values, int? SessionStatus);

    // ---- an independent reader: table-driven CRC-32C, TFRecord framing, a minimal protobuf decoder ----

    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(i =>
    {
        uint c = (uint)i;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint c = Crc32C(data);
        return unchecked(((c >> 15) | (c << 17)) + 0xa282ead8u);
    }

    private static List<Event> Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            var header = bytes.AsSpan(at, 8);
            long length = BitConverter.ToInt64(header);
            Assert.Equal(Masked(header), BitConverter.ToUInt32(bytes, at + 8));
            var data = bytes.AsSpan(at + 12, (int)length);
            Assert.Equal(Masked(data), BitConverter.ToUInt32(bytes, at + 12 + (int)length));
            events.Add(Decode(data.ToArray()));
            at += 12 + (int)length + 4;
        }
        return events;
    }

    private static IEnumerable<(int Field, int Wire, ulong Number, byte[] Bytes)> Fields(byte[] m)
    {
        int i = 0;
        ulong Varint()
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = m[i++];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return v;
            }
        }
        while (i < m.Length)
        {
            var key = Varint();
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(), []); break;
                case 1: yield return (field, wire, BitConverter.ToUInt64(m, i), m[i..(i + 8)]); i += 8; break;
                case 5: yield return (field, wire, BitConverter.ToUInt32(m, i), m[i..(i + 4)]); i += 4; break;
                case 2: int n = (int)Varint(); yield return (field, wire, 0, m[i..(i + n)]); i += n; break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static Event Decode(byte[] m)
    {
        double wall = 0; long step = 0; string? version = null; int? status = null;
        var values = new List<(string, float)>();
        foreach (var (field, _, number, bytes) in Fields(m))
            switch (field)
            {
                case 1: wall = BitConverter.ToDouble(bytes); break;
                case 2: step = (long)number; break;
                case 3: version = Encoding.UTF8.GetString(bytes); break;
                case 5:
                    foreach (var value in Fields(bytes).Where(f => f.Field == 1))
                    {
                        var parts = Fields(value.Bytes).ToList();
                        values.Add((Encoding.UTF8.GetString(parts.Single(p => p.Field == 1).Bytes), BitConverter.ToSingle(parts.Single(p => p.Field == 2).Bytes)));
                    }
                    break;
                case 6: status = (int)Fields(bytes).Single(f => f.Field == 1).Number; break;
            }
        return new Event(wall, step, version, values, status);
    }

    private static List<(long Step, float Value)> Series(IEnumerable<Event> events, string tag)
        => events.SelectMany(e => e.Values.Where(v => v.Tag == tag).Select(v => (e.Step, v.Value))).ToList();

    private static string[][] Metrics(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToArray();

    private static float F(string s) => (float)double.Parse(s, CultureInfo.InvariantCulture);

    // ---- tests ----

    [Fact]
    public void The_reader_s_crc_is_crc32c_and_agrees_with_the_writer_s()
    {
        Assert.Equal(0xE3069283u, Crc32C("123456789"u8));   // the standard check value of CRC-32C
        var data = Encoding.UTF8.GetBytes("nnRNN event");
        Assert.Equal(Masked(data), EventFileWriter.MaskedCrc(data));
    }

    [Fact]
    public void A_copy_task_run_logs_every_update_s_loss_accuracy_and_learning_rate_and_the_summary()
    {
        var run = temp.File("copy-run");
        var logs = temp.File("tb");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var options = new CopyTaskOptions { HiddenSize = 8, Delay = 3, CopyLength = 2, Steps = 7, Batch = 3, TensorBoard = logs };
        var summary = (CopyTaskSummary)Trainer.Run(options, run)!;

        var file = Assert.Single(Directory.GetFiles(Path.Combine(logs, "copy-run")));
        Assert.Contains("tfevents", Path.GetFileName(file));
        var events = Read(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        var rows = Metrics(run);
        Assert.Equal(rows.Select(r => (long.Parse(r[0]), F(r[1]))), Series(events, "train/loss"));
        Assert.Equal(rows.Select(r => (long.Parse(r[0]), F(r[2]))), Series(events, "train/accuracy"));
        Assert.Equal(Enumerable.Range(1, 7).Select(s => ((long)s, (float)options.LearningRate)), Series(events, "train/lr"));
        Assert.Equal((7L, (float)summary.FinalLoss), Assert.Single(Series(events, "summary/final_loss")));
        Assert.Empty(Series(events, "train/ms"));
    }

    [Fact]
    public void A_ptb_run_logs_epoch_rows_at_the_epoch_s_last_update_and_a_resumed_run_starts_a_session()
    {
        var corpus = temp.File("ptb");
        Directory.CreateDirectory(corpus);
        foreach (var name in new[] { "train", "valid", "test" })
            File.WriteAllText(Path.Combine(corpus, $"{name}.txt"), string.Concat(Enumerable.Repeat("t h e _ c a t\na _ d o g\n", 40)));
        var run = temp.File("ptb-run");
        var logs = temp.File("tb");
        var options = new PtbOptions { DataDir = corpus, HiddenSize = 8, Emsize = 4, Bptt = 5, Batch = 2, EvalBatch = 2, Epochs = 2, MaxWindows = 3, TensorBoard = logs };
        Assert.Null(Trainer.Run(options, run, new RunControl(CheckpointEvery: 2, StopAfter: 5)));
        Trainer.Resume<PtbOptions>(run);

        var files = Directory.GetFiles(Path.Combine(logs, "ptb-run"))   // events.out.tfevents.SECONDS.HOST.PID.N, in order
            .OrderBy(f => long.Parse(Path.GetFileName(f).Split('.')[3])).ThenBy(f => int.Parse(f.Split('.')[^1])).ToList();
        Assert.Equal(2, files.Count);   // one per session
        var first = Read(files[0]);
        var second = Read(files[1]);
        Assert.Null(first.FirstOrDefault(e => e.SessionStatus is not null));
        var start = Assert.Single(second, e => e.SessionStatus is not null);
        Assert.Equal((1, 5L), (start.SessionStatus!.Value, start.Step));   // resumed from the checkpoint after update 4
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, Series(first, "train/loss").Select(s => s.Step));
        Assert.Equal(new long[] { 5, 6 }, Series(second, "train/loss").Select(s => s.Step));

        var rows = Metrics(run);
        var header = File.ReadLines(Path.Combine(run, "metrics.csv")).First().Split(',');
        int validBpc = Array.IndexOf(header, "valid_bpc");
        var epochs = Series(first.Concat(second), "epoch/valid_bpc");
        Assert.Equal(new[] { (3L, F(rows[0][validBpc])), (6L, F(rows[1][validBpc])) }, epochs);
        Assert.Single(Series(second, "summary/test_bpc"));
    }
}
