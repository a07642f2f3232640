using NnRnn.Cells;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Tests.Data;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Randomness owned by the run (issue 7 item 7): two trainings in two threads of one process give what each gives alone.</summary>
public sealed class ConcurrentRunsTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly RunOptions[] Runs =
    [
        new CopyTaskOptions { NetType = NetType.NnRnn, HiddenSize = 8, Delay = 4, CopyLength = 2, Batch = 3, Steps = 25, RandomSeed = 1 },
        new AddingOptions { NetType = NetType.Lstm, RecurrentInit = Initializer.Xavier, HiddenSize = 6, SequenceLength = 8, Batch = 5, Steps = 25, RandomSeed = 2 },
    ];

    [Fact]
    public void Two_trainings_in_two_threads_give_the_same_results_as_each_alone()
    {
        var alone = Runs.Select((o, i) => { var d = temp.File($"alone{i}"); Trainer.Run(o, d); return Rows(d); }).ToArray();
        for (int round = 0; round < 2; round++)
        {
            var dirs = Runs.Select((_, i) => temp.File($"together{round}-{i}")).ToArray();
            var threads = Runs.Select((o, i) => new Thread(() => Trainer.Run(o, dirs[i]))).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            for (int i = 0; i < Runs.Length; i++) Assert.Equal(alone[i], Rows(dirs[i]));
        }
    }

    private static string[] Rows(string dir)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Select(l => l[..l.LastIndexOf(',')]).ToArray();
}
