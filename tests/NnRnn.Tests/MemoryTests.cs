using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Models;
using TorchSharp;
using static TorchSharp.torch;
using Xunit;

namespace NnRnn.Tests;

/// <summary>Training updates leave no tensors behind: memory stays flat over many updates.</summary>
[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class MemoryTests
{
    [Theory]
    [InlineData("nnRNN", UnrollMode.Fused)]
    [InlineData("nnRNN", UnrollMode.StepByStep)]
    [InlineData("expRNN", UnrollMode.Fused)]
    [InlineData("LSTM", UnrollMode.Fused)]
    [InlineData("EURNN", UnrollMode.Fused)]
    public void Live_tensor_count_is_flat_over_many_updates(string net, UnrollMode mode)
    {
        manual_seed(1);
        var task = new CopyTask(4, copyLength: 2);
        var cell = TestSupport.Cell(net, task.InputSize, 8);
        using var model = new PerStepReadoutModel(cell, task.Classes) { Mode = mode };
        using var optimizer = new RecurrentOptimizer(model, cell, new OptimizerSettings { Clip = 1 });
        using var data = new Generator(1);
        void Updates(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var scope = NewDisposeScope();
                var (x, y) = task.Batch(4, data);
                SyntheticTaskStep.Update(model, optimizer, task, x, y);
            }
        }
        Updates(20);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Updates(300);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(after - before <= 2, $"{net}: {after - before} tensors leaked over 300 updates");
    }
}
