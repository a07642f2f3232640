using System.Text;
using NnRnn.Tests.Data;

namespace NnRnn.Tests;

/// <summary>
/// One hostile command line: its arguments (<c>{root}</c> is the sandbox; <c>''</c> an empty
/// argument), what the sandbox holds first, the exit code, and a text the one stderr line must
/// contain (the option or file at fault).
/// </summary>
internal sealed record HostileCase(string Args, int Exit, string Names, Action<HostileSandbox>? Setup = null)
{
    /// <summary>
    /// The command prints its header before it fails: whether an existing run directory may be
    /// reused is decided when the run directory is opened (RunSession), after the run is announced.
    /// </summary>
    public bool PrintsHeader { get; init; }

    public string[] Arguments(HostileSandbox box) =>
        [.. Args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "''" ? "" : a.Replace("{root}", box.Root))];
}

/// <summary>
/// The hostile inputs (issue 7, item 8): every command, every kind of bad value — non-finite and
/// out-of-range floats, overflowing and memory-busting sizes, unwritable outputs, bad URLs,
/// missing, truncated or wrong-shaped data, files that are not what they claim.
/// </summary>
internal static class HostileCases
{
    private const string Copy = "copytask --out {root}/run --steps 2 --nhid 8 --T 5 ";
    private const string Adding = "adding --out {root}/run --steps 2 --nhid 8 ";
    private const string Mnist = "psmnist --out {root}/run --nhid 8 --epochs 1 --batch 4 --data-dir {root}/mnist ";
    private const string Ptb = "ptb --out {root}/run --nhid 8 --emsize 4 --epochs 1 --bptt 5 --batch 2 --data-dir {root}/ptb ";
    private const string Bench = "bench --warmup 0 --repeats 1 --nhid 8 --T 5 ";
    private const string Download = "data download mnist --dir {root}/data ";

    public static readonly Dictionary<string, HostileCase> All = new()
    {
        // copytask: floats must be finite and in range (issue 7, found broken item 2)
        ["copytask lr Infinity"] = new(With(Copy, "--lr Infinity"), 2, "--lr"),
        ["copytask lr 1e400"] = new(With(Copy, "--lr 1e400"), 2, "--lr"),
        ["copytask lr NaN"] = new(With(Copy, "--lr NaN"), 2, "--lr"),
        ["copytask lr negative"] = new(With(Copy, "--lr -0.001"), 2, "--lr"),
        ["copytask lr zero"] = new(With(Copy, "--lr 0"), 2, "--lr"),
        ["copytask lr_orth negative"] = new(With(Copy, "--lr_orth -1"), 2, "--lr_orth"),
        ["copytask lr_orth Infinity"] = new(With(Copy, "--lr_orth Infinity"), 2, "--lr_orth"),
        ["copytask alam Infinity"] = new(With(Copy, "--alam Infinity"), 2, "--alam"),
        ["copytask alam negative"] = new(With(Copy, "--alam -1"), 2, "--alam"),
        ["copytask Tdecay NaN"] = new(With(Copy, "--Tdecay NaN"), 2, "--Tdecay"),
        ["copytask clip Infinity"] = new(With(Copy, "--clip Infinity"), 2, "--clip"),
        ["copytask clip negative"] = new(With(Copy, "--clip -1"), 2, "--clip"),
        ["copytask alpha 1"] = new(With(Copy, "--alpha 1"), 2, "--alpha"),
        ["copytask alpha negative"] = new(With(Copy, "--alpha -0.1"), 2, "--alpha"),
        ["copytask betas one value"] = new(With(Copy, "--betas 0.9"), 2, "--betas"),
        ["copytask betas 1"] = new(With(Copy, "--optimizer Adam --betas 0.9 1"), 2, "--betas"),
        ["copytask betas NaN"] = new(With(Copy, "--betas NaN 0.9"), 2, "--betas"),
        ["copytask lr not a number"] = new(With(Copy, "--lr fast"), 2, "--lr"),
        ["copytask lr thousands separator"] = new(With(Copy, "--lr 1,5"), 2, "--lr: expected a number"),
        ["copytask nhid thousands separator"] = new(With(Copy, "--nhid 1,024"), 2, "--nhid"),
        // run store and sweeps: nothing created on bad input
        ["runs list status unknown"] = new("runs list --status done --store {root}/runs.db", 2, "--status"),
        ["runs list store missing"] = new("runs list --store {root}/none.db", 2, "--store"),
        ["runs list store is a folder"] = new("runs list --store {root}", 2, "--store"),
        ["runs import not a run directory"] = new("runs import {root} --store {root}/runs.db", 2, "DIR"),
        ["runs import missing"] = new("runs import {root}/nothing --store {root}/runs.db", 2, "DIR"),
        ["sweep spec missing"] = new("sweep {root}/none.yaml --out {root}/sweeps", 2, "none.yaml"),
        ["sweep jobs zero"] = new("sweep {root}/none.yaml --jobs 0 --out {root}/sweeps", 2, "--jobs"),
        ["analyze fisher delay thousands separator"] = new("analyze fisher --delay 1,0.9 --out {root}/fisher", 2, "--delay: expected a number"),
        // sizes: overflow and memory (found broken item 3)
        ["copytask T+2c overflows"] = new(With(Copy, "--T 2147483647"), 2, "--T: T + 2c = 2147483667 steps"),
        ["copytask c-length 2^30"] = new(With(Copy, "--c-length 1073741824"), 2, "--c-length"),
        ["copytask nhid 100000"] = new("copytask --out {root}/run --steps 2 --nhid 100000", 2, "--nhid"),
        ["copytask batch int max"] = new(With(Copy, "--batch 2147483647"), 2, "--batch"),
        ["copytask nhid beyond int"] = new(With(Copy, "--nhid 99999999999"), 2, "--nhid"),
        ["copytask nhid odd for nnRNN"] = new(With(Copy, "--nhid 7"), 2, "--nhid"),
        ["copytask nhid negative"] = new(With(Copy, "--nhid -4"), 2, "--nhid"),
        ["copytask batch zero"] = new(With(Copy, "--batch 0"), 2, "--batch"),
        ["copytask labels 9"] = new(With(Copy, "--labels 9"), 2, "--labels"),
        ["copytask labels 0"] = new(With(Copy, "--labels 0"), 2, "--labels"),
        ["copytask c-length negative"] = new(With(Copy, "--c-length -1"), 2, "--c-length"),
        ["copytask T zero"] = new(With(Copy, "--T 0"), 2, "--T"),
        ["copytask steps zero"] = new(With(Copy, "--steps 0"), 2, "--steps"),
        ["copytask threads zero"] = new(With(Copy, "--threads 0"), 2, "--threads"),
        ["copytask threads 100000"] = new(With(Copy, "--threads 100000"), 2, "--threads"),
        ["copytask EURNN capacity 0"] = new(With(Copy, "--net-type EURNN --capacity 0"), 2, "--capacity"),
        ["copytask EURNN capacity huge"] = new(With(Copy, "--net-type EURNN --capacity 2000000000"), 2, "--capacity"),
        ["copytask net-type GRU"] = new(With(Copy, "--net-type GRU"), 2, "--net-type"),
        ["copytask rinit xavier for nnRNN"] = new(With(Copy, "--rinit xavier"), 2, "--rinit"),
        ["copytask nonlin swish"] = new(With(Copy, "--nonlin swish"), 2, "--nonlin"),
        ["copytask optimizer sgd"] = new(With(Copy, "--optimizer sgd"), 2, "--optimizer"),
        ["copytask random-seed text"] = new(With(Copy, "--random-seed abc"), 2, "--random-seed"),
        ["copytask unknown option"] = new(With(Copy, "--bogus 1"), 2, "--bogus"),
        ["copytask checkpoint-every 0"] = new(With(Copy, "--checkpoint-every 0"), 2, "--checkpoint-every"),
        ["copytask stop-after negative"] = new(With(Copy, "--stop-after -1"), 2, "--stop-after"),
        // outputs that cannot be written (found broken item 4)
        ["copytask out in a pseudo file system"] = new("copytask --out /proc/nnrnn-hostile/run --steps 2 --nhid 8 --T 5", 2, "--out"),
        ["copytask out is a file"] = new(Copy.Replace("{root}/run", "{root}/afile"), 2, "--out", b => File.WriteAllText(Path.Combine(b.Root, "afile"), "x")),
        ["copytask out under a file"] = new(Copy.Replace("{root}/run", "{root}/afile/run"), 2, "--out", b => File.WriteAllText(Path.Combine(b.Root, "afile"), "x")),
        ["copytask out empty"] = new("copytask --out '' --steps 2 --nhid 8 --T 5", 2, "--out"),
        ["copytask out not empty"] = new(Copy, 2, "--out", b => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(b.Root, "run")).FullName, "keep"), "x"))
        {
            PrintsHeader = true,
        },
        // resume
        ["copytask resume missing"] = new("copytask --resume {root}/gone", 2, "--resume"),
        ["copytask resume without options.json"] = new("copytask --resume {root}/empty", 2, "options.json", b => Directory.CreateDirectory(Path.Combine(b.Root, "empty"))),
        ["copytask resume options.json with Infinity"] = new("copytask --resume {root}/old", 2, "options.json", b => Write(b, "old/options.json", "{\"lr\": \"Infinity\"}")),
        ["copytask resume options.json with a negative lr"] = new("copytask --resume {root}/old", 2, "options.json", b => Write(b, "old/options.json", "{\"lr\": -1}")),
        ["copytask resume options.json truncated"] = new("copytask --resume {root}/old", 2, "options.json", b => Write(b, "old/options.json", "{\"lr\": 0.1,")),
        ["copytask resume options.json an array"] = new("copytask --resume {root}/old", 2, "options.json", b => Write(b, "old/options.json", "[]")),
        ["copytask resume options.json huge nhid"] = new("copytask --resume {root}/old", 2, "--nhid", b => Write(b, "old/options.json", "{\"task\": \"copytask\", \"nhid\": 100000}")),
        ["copytask resume with an option"] = new("copytask --resume {root}/empty --lr 1", 2, "--lr", b => Directory.CreateDirectory(Path.Combine(b.Root, "empty"))),

        // adding (found broken item 3: 24 GB, OOM-killed)
        ["adding c-length 1.5e9"] = new(With(Adding, "--c-length 1500000000"), 2, "--c-length"),
        ["adding c-length 1"] = new(With(Adding, "--c-length 1"), 2, "--c-length"),
        ["adding no-of-ones 0"] = new(With(Adding, "--no-of-ones 0"), 2, "--no-of-ones"),
        ["adding no-of-ones beyond length"] = new(With(Adding, "--no-of-ones 200"), 2, "--no-of-ones"),
        ["adding lr Infinity"] = new(With(Adding, "--lr Infinity"), 2, "--lr"),
        ["adding batch huge"] = new(With(Adding, "--batch 2000000000"), 2, "--batch"),

        // psmnist: options and data (found broken items 6, 7)
        ["psmnist data-dir missing"] = new(Mnist.Replace("{root}/mnist", "{root}/nowhere"), 2, "nowhere"),
        ["psmnist only training files"] = new(Mnist, 2, "t10k-images-idx3-ubyte", b => MnistFiles(b, 28, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")),
        ["psmnist images 27x27"] = new(Mnist, 2, "27x27", b => MnistFiles(b, 27)),
        ["psmnist images 1x1"] = new(Mnist, 2, "1x1", b => MnistFiles(b, 1)),
        ["psmnist truncated images"] = new(Mnist, 2, "train-images-idx3-ubyte", b =>
        {
            MnistFiles(b, 28);
            var path = Path.Combine(b.Root, "mnist", "train-images-idx3-ubyte");
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..1000]);
        }),
        ["psmnist images not IDX"] = new(Mnist, 2, "train-images-idx3-ubyte", b =>
        {
            MnistFiles(b, 28);
            File.WriteAllText(Path.Combine(b.Root, "mnist", "train-images-idx3-ubyte"), "<html>not found</html>");
        }),
        ["psmnist data-dir empty"] = new(With(Mnist, "--data-dir ''"), 2, "--data-dir: empty path"),
        ["psmnist data-dir is a file"] = new(With(Mnist, "--data-dir {root}/afile"), 2, "afile", b => Write(b, "afile", "x")),
        ["psmnist dataset cifar"] = new(With(Mnist, "--dataset cifar"), 2, "--dataset"),
        ["psmnist val-size 0"] = new(With(Mnist, "--val-size 0"), 2, "--val-size"),
        ["psmnist limit-train negative"] = new(With(Mnist, "--limit-train -1"), 2, "--limit-train"),
        ["psmnist save-freq negative"] = new(With(Mnist, "--save-freq -1"), 2, "--save-freq"),
        ["psmnist epochs 0"] = new(With(Mnist, "--epochs 0"), 2, "--epochs"),
        ["psmnist batch huge"] = new(Mnist.Replace("--batch 4", "--batch 100000000"), 2, "--batch"),
        ["psmnist lr_orth NaN"] = new(With(Mnist, "--lr_orth NaN"), 2, "--lr_orth"),

        // ptb: options and data (found broken item 8)
        ["ptb data-dir missing"] = new(Ptb.Replace("{root}/ptb", "{root}/nowhere"), 2, "nowhere"),
        ["ptb only the training text"] = new(Ptb, 2, "valid", b => PtbFiles(b, only: "train")),
        ["ptb invalid UTF-8"] = new(Ptb, 2, "train.txt:2", b =>
        {
            PtbFiles(b);
            File.WriteAllBytes(Path.Combine(b.Root, "ptb", "train.txt"), [.. Encoding.ASCII.GetBytes("a b\nc "), 0xFF, (byte)'\n']);
        }),
        ["ptb unknown character in valid"] = new(Ptb, 2, "valid.txt", b =>
        {
            PtbFiles(b);
            File.WriteAllText(Path.Combine(b.Root, "ptb", "valid.txt"), "a b z\n");
        }),
        ["ptb data-dir empty"] = new(With(Ptb, "--data-dir ''"), 2, "--data-dir: empty path"),
        ["ptb bptt 0"] = new(With(Ptb, "--bptt 0"), 2, "--bptt"),
        ["ptb bptt huge"] = new(Ptb.Replace("--bptt 5", "--bptt 2000000000"), 2, "--bptt"),
        ["ptb emsize huge"] = new(Ptb.Replace("--emsize 4", "--emsize 1000000000"), 2, "--emsize"),
        ["ptb eval-batch 0"] = new(With(Ptb, "--eval-batch 0"), 2, "--eval-batch"),
        ["ptb max-windows negative"] = new(With(Ptb, "--max-windows -1"), 2, "--max-windows"),
        ["ptb log-interval 0"] = new(With(Ptb, "--log-interval 0"), 2, "--log-interval"),
        ["ptb clip NaN"] = new(With(Ptb, "--clip NaN"), 2, "--clip"),
        ["ptb save is a file"] = new(Ptb.Replace("--out {root}/run", "--save {root}/afile"), 2, "--out", b => File.WriteAllText(Path.Combine(b.Root, "afile"), "x")),

        // golden: files that are not golden files (found broken items 4, 5)
        ["golden array"] = new("golden {root}/g.json", 2, "g.json", b => Write(b, "g.json", "[]")),
        ["golden empty object"] = new("golden {root}/g.json", 2, "g.json", b => Write(b, "g.json", "{}")),
        ["golden empty file"] = new("golden {root}/g.json", 2, "g.json", b => Write(b, "g.json", "")),
        ["golden binary"] = new("golden {root}/g.json", 2, "g.json", b => File.WriteAllBytes(Path.Combine(b.Root, "g.json"), [0, 1, 2, 0xFF])),
        ["golden section of the wrong type"] = new("golden {root}/g.json", 2, "g.json", b => Write(b, "g.json", "{\"cells\": 5, \"copytask_update\": [], \"expm\": \"x\"}")),
        ["golden directory"] = new("golden {root}", 2, "directory"),
        ["golden missing file"] = new("golden {root}/none.json", 2, "none.json"),
        ["golden no file"] = new("golden", 2, "golden"),

        // bench
        ["bench nhid 1e6"] = new(Bench.Replace("--nhid 8", "--nhid 1000000"), 2, "--nhid"),
        ["bench T huge ptb"] = new(Bench.Replace("--T 5", "--T 2000000000") + "--task ptb", 2, "--T"),
        ["bench second configuration bad"] = new(With(Bench, "--threads 1,5000"), 2, "--threads"),
        ["bench T zero"] = new(Bench.Replace("--T 5", "--T 0"), 2, "--T"),
        ["bench threads 0"] = new(With(Bench, "--threads 0"), 2, "--threads"),
        ["bench threads 5000"] = new(With(Bench, "--threads 5000"), 2, "--threads"),
        ["bench task mnist"] = new(With(Bench, "--task mnist"), 2, "--task"),
        ["bench repeats 0"] = new(Bench.Replace("--repeats 1", "--repeats 0"), 2, "--repeats"),
        ["bench warmup negative"] = new(Bench.Replace("--warmup 0", "--warmup -1"), 2, "--warmup"),
        ["bench net-type GRU"] = new(With(Bench, "--net-type GRU"), 2, "--net-type"),
        ["bench batch 0"] = new(With(Bench, "--batch 0"), 2, "--batch"),

        // data download (found broken item 4)
        ["download ftp"] = new(With(Download, "--base-url ftp://example.com/mnist"), 2, "--base-url"),
        ["download file URL"] = new(With(Download, "--base-url file:///tmp"), 2, "--base-url"),
        ["download relative URL"] = new(With(Download, "--base-url mirror/mnist"), 2, "--base-url"),
        ["download unknown dataset"] = new("data download cifar --dir {root}/data", 2, "cifar"),
        ["download bad pin"] = new(With(Download, "--sha256 foo"), 2, "--sha256"),
        ["download pin for another file"] = new(With(Download, "--sha256 other.gz=" + new string('a', 64)), 2, "other.gz"),
        ["download dir in a pseudo file system"] = new("data download mnist --dir /proc/nnrnn-hostile", 2, "--dir"),
        ["download dir is a file"] = new("data download mnist --dir {root}/afile", 2, "--dir", b => Write(b, "afile", "x")),

        // analyze
        ["analyze matrix missing run"] = new("analyze matrix {root}/gone", 2, "gone"),
        ["analyze matrix not a run"] = new("analyze matrix {root}/empty", 2, "options.json", b => Directory.CreateDirectory(Path.Combine(b.Root, "empty"))),
        ["analyze matrix no model"] = new("analyze matrix {root}/half", 2, "model.pt", b =>
            Write(b, "half/options.json", "{\"net-type\": \"nnRNN\", \"nhid\": 8}")),
        ["analyze matrix options.json not JSON"] = new("analyze matrix {root}/half", 2, "options.json", b => Write(b, "half/options.json", "{\"net-type\": ")),
        ["analyze matrix unknown net-type"] = new("analyze matrix {root}/half", 2, "options.json: net-type", b => Write(b, "half/options.json", "{\"net-type\": \"GRU\"}")),
        ["analyze matrix missing checkpoint"] = new("analyze matrix {root}/half --checkpoint best.pt", 2, "best.pt", b => Write(b, "half/options.json", "{\"net-type\": \"nnRNN\", \"nhid\": 8}")),
        ["analyze matrix checkpoint not a state dict"] = new("analyze matrix {root}/half --checkpoint {root}/half/junk.pt", 2, "junk.pt", b =>
        {
            Write(b, "half/options.json", "{\"net-type\": \"nnRNN\", \"nhid\": 8}");
            Write(b, "half/junk.pt", "not a pickle");
        }),
        ["analyze fisher N 0"] = new("analyze fisher --N 0 --out {root}/a", 2, "--N"),
        ["analyze fisher horizon 0"] = new("analyze fisher --horizon 0 --out {root}/a", 2, "--horizon"),
        ["analyze fisher delay NaN"] = new("analyze fisher --N 4 --delay NaN --out {root}/a", 2, "--delay"),
        ["analyze fisher input-unit 500"] = new("analyze fisher --N 4 --input-unit 500 --out {root}/a", 2, "--input-unit"),
        ["analyze fisher out is a file"] = new("analyze fisher --N 4 --horizon 5 --out {root}/afile", 2, "--out", b => Write(b, "afile", "x")),
        ["analyze transients steps negative"] = new("analyze transients --steps -1 --out {root}/a", 2, "--steps"),
        ["analyze transients samples 0"] = new("analyze transients --samples 0 --out {root}/a", 2, "--samples"),
        ["analyze compare nothing"] = new("analyze compare --out {root}/a", 2, "compare"),

        ["unknown command"] = new("fly --to moon", 2, "fly"),
    };

    /// <summary>The case names run again as a child process (the real binary, console and exit code).</summary>
    public static readonly string[] InChildProcess =
    [
        "copytask lr Infinity", "copytask T+2c overflows", "copytask nhid 100000", "adding c-length 1.5e9",
        "copytask out in a pseudo file system", "download ftp", "golden array", "psmnist images 27x27",
    ];

    /// <summary>
    /// The base command line with the options of <paramref name="extra"/> added, replacing the
    /// base's value of an option given again (a repeated option would be a different error).
    /// </summary>
    private static string With(string command, string extra)
    {
        var options = new List<(string Name, List<string> Values)>();
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int first = Array.FindIndex(words, w => w.StartsWith("--"));
        foreach (var word in words[first..].Concat(extra.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (word.StartsWith("--") && !double.TryParse(word, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                options.RemoveAll(o => o.Name == word);
                options.Add((word, []));
            }
            else options[^1].Values.Add(word);
        }
        return string.Join(' ', words[..first].Concat(options.SelectMany(o => o.Values.Prepend(o.Name))));
    }

    private static void Write(HostileSandbox box, string relative, string text)
    {
        var path = Path.Combine(box.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static readonly string[] Mnists =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>MNIST files of 12 side×side images each in {root}/mnist (only the named ones when given).</summary>
    private static void MnistFiles(HostileSandbox box, int side, params string[] only)
    {
        var folder = Directory.CreateDirectory(Path.Combine(box.Root, "mnist")).FullName;
        var labels = Enumerable.Range(0, 12).Select(i => (byte)(i % 10)).ToArray();
        foreach (var name in only.Length > 0 ? only : Mnists)
            File.WriteAllBytes(Path.Combine(folder, name), name.Contains("images") ? IdxTestFiles.Images(12, side, side) : IdxTestFiles.Labels(labels));
    }

    /// <summary>A tiny PTB corpus in {root}/ptb ({train,valid,test}.txt; only <paramref name="only"/> when given).</summary>
    private static void PtbFiles(HostileSandbox box, string? only = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(box.Root, "ptb")).FullName;
        foreach (var part in only is null ? ["train", "valid", "test"] : new[] { only })
            File.WriteAllText(Path.Combine(folder, $"{part}.txt"), "a b _ c\nb a c\n");
    }
}
