using System.Text.Json;
using NnRnn.Analysis.Linear;
using NnRnn.Analysis.Runs;
using NnRnn.Cells;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests.Analysis;

[Collection(nameof(GlobalGenerator))]   // seeds libtorch's global generator
public class RunReaderTests
{
    /// <summary>A run directory holding options.json and a state dict saved from a library cell.</summary>
    private static string SaveRun(RecurrentCell cell, string netType, string file = "model.pt")
    {
        var dir = TestSupport.TempDir();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "options.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["net-type"] = netType, ["nhid"] = cell.HiddenSize }));
        cell.save_py(Path.Combine(dir, file));
        return dir;
    }

    [Fact]
    public void NnRnnFactorsRebuildTheCellsRecurrentMatrix()
    {
        manual_seed(21);
        var cell = new NnRnnCell(1, 8);
        using (no_grad())
            foreach (var (name, p) in cell.named_parameters())
                if (name == "T" || name == "gamma") p.add_(0.1 * randn_like(p));   // a non-trivial T and γ
        var dir = SaveRun(cell, "nnRNN");
        var run = RunReader.Read(dir);
        Assert.Equal("nnRNN", run.NetType);
        Assert.NotNull(run.Factors);
        var expected = Dense.FromTensor(cell.RecurrentMatrix());
        Assert.True(Dense.FrobeniusOfDifference(run.W, expected) < 1e-5 * Dense.Frobenius(expected));
        var f = run.Factors!;
        Assert.True(Dense.FrobeniusOfDifference(Dense.Multiply(Dense.Transpose(f.P), f.P), Dense.Identity(8)) < 1e-10);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j <= i; j++) Assert.Equal(0.0, f.T[i, j]);   // strictly upper
        Assert.Equal(4, f.Theta.Length);
        // Propagator is the transpose (column convention).
        Assert.Equal(run.W[1, 0], run.Propagator[0, 1]);
    }

    [Fact]
    public void RnnMatrixIsVTransposedAndBestCheckpointCanBeChosen()
    {
        manual_seed(22);
        var cell = new VanillaRnnCell(1, 6, recurrentInit: Initializer.Xavier);
        var dir = SaveRun(cell, "RNN", "best.pt");
        Assert.Throws<FileNotFoundException>(() => RunReader.Read(dir));   // no model.pt
        var run = RunReader.Read(dir, "best.pt");
        var v = Dense.FromTensor(cell.state_dict()["V.weight"]);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(v[j, i], run.W[i, j], 6);
    }

    [Fact]
    public void AMalformedStateDictOrMissingOptionsIsAClearError()
    {
        manual_seed(25);
        var dir = SaveRun(new ExpRnnCell(1, 4), "expRNN");
        File.WriteAllBytes(Path.Combine(dir, "junk.pt"), new byte[] { 1, 2, 3, 4 });
        var ex = Assert.Throws<InvalidDataException>(() => RunReader.Read(dir, "junk.pt"));
        Assert.Contains("junk.pt", ex.Message);
        File.Delete(Path.Combine(dir, "options.json"));
        Assert.Contains("options.json", Assert.Throws<FileNotFoundException>(() => RunReader.Read(dir)).Message);
    }

    [Fact]
    public void ExpRnnMatrixIsOrthogonal()
    {
        manual_seed(23);
        var dir = SaveRun(new ExpRnnCell(1, 10), "expRNN");
        var w = RunReader.Read(dir).W;
        Assert.True(Dense.FrobeniusOfDifference(Dense.Multiply(Dense.Transpose(w), w), Dense.Identity(10)) < 1e-10);
    }

    [Fact]
    public void LstmNeedsAGateAndEurnnIsRefusedWithOneLine()
    {
        manual_seed(24);
        var lstm = SaveRun(new LstmCell(1, 4), "LSTM");
        var ex = Assert.Throws<ArgumentException>(() => RunReader.Read(lstm));
        Assert.Contains("--gate", ex.Message);
        var gate = RunReader.Read(lstm, gate: "f");
        Assert.Equal(4, gate.Size);
        var eurnn = SaveRun(new EurnnCell(1, 4), "EURNN");
        Assert.Contains("complex", Assert.Throws<ArgumentException>(() => RunReader.Read(eurnn)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => RunReader.Read(Path.Combine(lstm, "missing")));
    }
}
