using NnRnn.Cells;
using NnRnn.Devices;
using NnRnn.Experiments.Benchmarks;
using NnRnn.Experiments.Runs;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using NnRnn.Experiments.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NnRnn.Tests;

/// <summary><c>--device</c>, the libtorch loader, doctor and the device-independent checkpoints (issue 14).</summary>
[Collection(nameof(GlobalGenerator))]   // the parity check seeds libtorch's global generator; cells draw from it
public class DeviceTests
{
    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("CPU", DeviceType.CPU, -1)]
    [InlineData("cuda", DeviceType.CUDA, 0)]
    [InlineData("cuda:1", DeviceType.CUDA, 1)]
    [InlineData(" Cuda:0 ", DeviceType.CUDA, 0)]
    public void Device_text_parses(string text, DeviceType type, int index)
    {
        var device = ComputeDevice.Parse(text);
        Assert.Equal(type, device.type);
        if (type == DeviceType.CUDA) Assert.Equal(index, device.index);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("mps")]
    [InlineData("")]
    public void Bad_device_text_names_the_option(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeDevice.Parse(text));
        Assert.StartsWith("--device: expected cpu, cuda or cuda:N", e.Message);
    }

    [Fact]
    public void The_cpu_is_always_there() => Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve("cpu").type);

    [Theory]
    [InlineData("copytask", "--steps", "2")]
    [InlineData("adding", "--steps", "2")]
    [InlineData("bench", "--repeats", "1")]
    [InlineData("golden", "nonexistent.json")]
    public void Cuda_without_a_cuda_libtorch_is_one_line_and_exit_2(params string[] args)
    {
        if (FactRequiresCudaAttribute.CudaPresent) return;   // this machine has CUDA: the error cannot happen
        var dir = TestSupport.TempDir();
        var command = args[0] == "golden" ? args : args.Concat(args[0] == "bench" ? [] : new[] { "--out", dir }).ToArray();
        var (code, _, stderr) = TestSupport.RunCli([.. command, "--device", "cuda"]);
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (args[0] == "golden") Assert.StartsWith("nnrnn: error:", line);   // the file is checked first
        else Assert.Equal("nnrnn: error: --device cuda:0: the loaded libtorch has no CUDA", line[..line.IndexOf(" (", StringComparison.Ordinal)]);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_misspelt_device_is_a_parse_error()
    {
        var (code, _, stderr) = TestSupport.RunCli("copytask", "--device", "gpu", "--steps", "2", "--out", TestSupport.TempDir());
        Assert.Equal(2, code);
        Assert.Equal("nnrnn: error: --device: expected cpu, cuda or cuda:N, got 'gpu'", stderr.Trim());
    }

    [Theory]
    [InlineData("copytask")]
    [InlineData("adding")]
    [InlineData("psmnist")]
    [InlineData("ptb")]
    [InlineData("bench")]
    [InlineData("golden")]
    public void Every_training_bench_and_golden_command_takes_the_device(string name)
    {
        var command = NnRnn.Cli.App.Root().Subcommands.Single(c => c.Name == name);
        var option = Assert.Single(command.Options, o => o.Name == "--device");
        Assert.Contains("default cpu", option.Description);
    }

    [Fact]
    public void The_device_is_the_sessions_not_the_runs_so_resume_takes_it()
    {
        var dir = TestSupport.TempDir();
        try
        {
            var (code, _, err) = TestSupport.RunCli("copytask", "--steps", "4", "--T", "5", "--nhid", "8", "--batch", "2", "--checkpoint-every", "2",
                "--stop-after", "2", "--out", dir, "--device", "cpu");
            Assert.True(code == 0, err);
            Assert.DoesNotContain("device", File.ReadAllText(Path.Combine(dir, "options.json")));
            (code, _, err) = TestSupport.RunCli("copytask", "--resume", dir, "--device", "cpu");
            Assert.True(code == 0, err);
            Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_torch_backend_property_chooses_the_package_and_the_default_needs_no_cuda_package()
    {
        var project = Path.Combine(RepositoryRoot(), "src", "NnRnn", "NnRnn.csproj");
        Assert.Equal(["TorchSharp-cpu"], TorchPackages(project));
        Assert.Equal(["TorchSharp-cuda-linux"], TorchPackages(project, "-p:NnRnnTorchBackend=cuda"));
        Assert.Equal(["TorchSharp"], TorchPackages(project, "-p:NnRnnTorchBackend=external"));
    }

    private static string[] TorchPackages(string project, params string[] properties)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet");
        // evaluation only, in this process: no build nodes shared with the build that runs the tests
        foreach (var a in new[] { "msbuild", project, "-getItem:PackageReference", "-nodeReuse:false", "-maxCpuCount:1" }.Concat(properties)) psi.ArgumentList.Add(a);
        var (code, output, error) = ChildProcess.Run(psi);
        Assert.True(code == 0, output + error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!).Where(n => n.StartsWith("TorchSharp", StringComparison.Ordinal)).ToArray();
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "NnRnn.slnx"))) return d.FullName;
        throw new DirectoryNotFoundException("the repository root (NnRnn.slnx) is not above the test binaries");
    }

    [Fact]
    public void Doctor_reports_the_libtorch_cuda_threads_and_blas()
    {
        var (code, stdout, stderr) = TestSupport.RunCli("doctor");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(':')[0], l => l[(l.IndexOf(':') + 1)..].Trim());
        Assert.StartsWith("nnrnn ", stdout);
        Assert.True(File.Exists(lines["libtorch"]), $"the libtorch line names the loaded file: {lines["libtorch"]}");
        Assert.EndsWith("libtorch_cpu.so", lines["libtorch"]);
        Assert.Contains("built for libtorch", lines["torchsharp"]);
        Assert.Equal(FactRequiresCudaAttribute.CudaPresent ? "available" : "no (CPU-only libtorch)", lines["cuda"]);
        Assert.True(int.Parse(lines["threads"]) >= 1);
        Assert.Contains("blas", lines.Keys);
        var (versionCode, version, _) = TestSupport.RunCli("--version");
        Assert.Equal(0, versionCode);
        Assert.Equal(stdout.Split('\n')[0], version.Split('\n')[0]);
        Assert.Contains("libtorch:", version);
    }

    [Fact]
    public void OpenMp_threads_wait_passively_unless_the_user_chose()
    {
        string Waiting(Dictionary<string, string?> env)
        {
            env.TryAdd("OMP_WAIT_POLICY", null);
            env.TryAdd("GOMP_SPINCOUNT", null);
            var (code, stdout, stderr) = TestSupport.RunCliWith(env, "doctor");
            Assert.True(code == 0, stderr);
            return stdout.Split('\n').Single(l => l.StartsWith("openmp waiting:", StringComparison.Ordinal))["openmp waiting:".Length..].Trim();
        }
        Assert.Equal("OMP_WAIT_POLICY=PASSIVE", Waiting(new()));
        Assert.Equal("OMP_WAIT_POLICY=active", Waiting(new() { ["OMP_WAIT_POLICY"] = "active" }));
        Assert.Equal("GOMP_SPINCOUNT=1000", Waiting(new() { ["GOMP_SPINCOUNT"] = "1000" }));
    }

    [Fact]
    public void A_missing_libtorch_folder_is_one_line_naming_the_variable()
    {
        var missing = Path.Combine(TestSupport.TempDir(), "torch", "lib");
        var (code, _, stderr) = TestSupport.RunCliWith(new Dictionary<string, string?> { [LibTorchLoader.Variable] = missing }, "doctor");
        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"nnrnn: error: {LibTorchLoader.Variable}: folder {missing} does not exist", line);
    }

    [Fact]
    public void A_folder_without_libtorch_is_refused()
    {
        var empty = TestSupport.TempDir();
        Directory.CreateDirectory(empty);
        var (code, _, stderr) = TestSupport.RunCliWith(new Dictionary<string, string?> { [LibTorchLoader.Variable] = empty }, "doctor");
        Assert.Equal(2, code);
        Assert.Contains("has no libtorch_cpu.so", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void The_builds_own_libtorch_folder_loads_through_the_variable()
    {
        var own = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(own, "libtorch_cpu.so")), "the test build carries TorchSharp-cpu's libtorch");
        var env = new Dictionary<string, string?> { [LibTorchLoader.Variable] = own };
        var (code, stdout, stderr) = TestSupport.RunCliWith(env, "doctor");
        Assert.True(code == 0, stderr);
        Assert.Contains($"libtorch source:  {LibTorchLoader.Variable}={own}", stdout);
        // and a short training run works through it
        var dir = TestSupport.TempDir();
        var (trainCode, _, trainErr) = TestSupport.RunCliWith(env, "copytask", "--steps", "2", "--T", "5", "--nhid", "8", "--batch", "2", "--out", dir);
        Assert.True(trainCode == 0, trainErr);
        Assert.True(File.Exists(Path.Combine(dir, "summary.json")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Another_libtorch_beside_the_builds_own_is_refused_not_loaded_twice()
    {
        // TorchSharp-cpu's files in the NuGet cache: the same version, another copy on disk
        var cache = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native");
        if (!File.Exists(Path.Combine(cache, "libtorch_cpu.so"))) return;   // another package cache layout: nothing to check
        var (code, _, stderr) = TestSupport.RunCliWith(new Dictionary<string, string?> { [LibTorchLoader.Variable] = cache }, "doctor");
        Assert.Equal(2, code);
        Assert.Contains("this build carries its own libtorch", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_checkpointed_module_loads_in_place_keeping_the_parameter_objects()
    {
        using var scope = NewDisposeScope();
        var cell = TestSupport.Cell("nnRNN", 3, 8);
        var model = new PerStepReadoutModel(cell, 4);
        var checkpoint = new Checkpoint();
        checkpoint.PutModule("model", model);
        var saved = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var before = model.parameters().ToArray();
        using (no_grad()) foreach (var p in model.parameters()) p.add_(1.0);
        var reread = Checkpoint.Load(SaveTo(checkpoint));
        reread.LoadModule("model", model);
        Assert.Equal(before, model.parameters().ToArray());   // the same objects: an optimizer's references stay valid
        foreach (var (name, value) in model.state_dict()) Assert.True(value.equal(saved[name]).all().item<bool>(), name);   // bit-equal: one machine
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_naming_the_tensor()
    {
        var checkpoint = new Checkpoint();
        checkpoint.PutModule("model", new PerStepReadoutModel(TestSupport.Cell("RNN", 3, 8), 4));
        var other = new PerStepReadoutModel(TestSupport.Cell("RNN", 3, 10), 4);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(SaveTo(checkpoint)).LoadModule("model", other));
        Assert.Contains("the model's", e.Message);
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("RNN-orth")]
    [InlineData("expRNN")]
    [InlineData("nnRNN")]
    [InlineData("LSTM")]
    [InlineData("EURNN")]
    public void A_moved_model_keeps_no_reference_to_its_old_parameters(string net)
    {
        // TorchSharp's move replaces (and disposes) every parameter, for a device as for a dtype: a
        // cell that kept one elsewhere would fail here on the CPU as it would on CUDA.
        using var scope = NewDisposeScope();
        var cell = TestSupport.Cell(net, 2, 8);
        var model = new PerStepReadoutModel(cell, 3);
        model.to(ScalarType.Float64);
        foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        var loss = model.forward(randn(5, 2, 2, ScalarType.Float64)).square().mean();
        loss.backward();
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Contains(model.parameters(), p => p.grad is not null);
    }

    [Fact]
    public void The_parity_check_compares_like_with_like_on_the_cpu()
    {
        var result = DeviceParity.Check("copytask", NetType.NnRnn, "cpu", hidden: 8, batch: 2);
        Assert.True(result.passed, result.error);
        Assert.Equal(0, result.grad_rel);   // the same device, the same numbers
        Assert.True(double.IsFinite(result.loss_cpu));
    }

    [FactRequiresCuda]
    public void One_update_on_cuda_matches_the_cpu_within_float32_rounding()
    {
        foreach (var task in UpdateBenchmark.Tasks)
            foreach (var net in Enum.GetValues<NetType>())
            {
                var result = DeviceParity.Check(task, net, "cuda:0");
                Assert.True(result.passed, $"{task} {net}: {result.error ?? $"loss {result.loss_rel:E1}, grad {result.grad_rel:E1}, param {result.param_rel:E1}"}");
            }
    }

    [FactRequiresCuda]
    public void A_run_resumed_on_cuda_continues_exactly()
    {
        var options = new CopyTaskOptions { NetType = NetType.NnRnn, Delay = 20, HiddenSize = 16, Batch = 4, Steps = 8, RandomSeed = 5 };
        string whole = TestSupport.TempDir(), pieces = TestSupport.TempDir(), cross = TestSupport.TempDir();
        var cudaControl = new RunControl(CheckpointEvery: 2) { Device = ComputeDevice.Resolve("cuda") };
        try
        {
            Trainer.Run(options, whole, cudaControl);
            Assert.Null(Trainer.Run(options, pieces, cudaControl with { StopAfter = 3 }));
            Trainer.Resume<CopyTaskOptions>(pieces, cudaControl);
            // CUDA runs these kernels in a fixed order: the resumed run is bit-identical
            Assert.Equal(Losses(whole), Losses(pieces));
            // a CPU checkpoint resumed on CUDA: within float32 rounding of the all-CUDA run
            Assert.Null(Trainer.Run(options, cross, new RunControl(CheckpointEvery: 2, StopAfter: 3)));
            Trainer.Resume<CopyTaskOptions>(cross, cudaControl);
            foreach (var (a, b) in Losses(whole).Zip(Losses(cross)))
                Assert.True(Math.Abs(a - b) <= 1e-3 * Math.Abs(a), $"{a} vs {b}");
        }
        finally
        {
            foreach (var d in new[] { whole, pieces, cross }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    private static double[] Losses(string dir)
        => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string SaveTo(Checkpoint checkpoint)
    {
        var path = Path.Combine(Path.GetTempPath(), "nnrnn-ck-" + Guid.NewGuid().ToString("N")[..8] + ".bin");
        checkpoint.Save(path);
        return path;
    }
}
