using System.CommandLine;
using NnRnn.Experiments.Data;

namespace NnRnn.Cli;

/// <summary><c>nnrnn data download DATASET</c>: fetches and verifies a dataset into the data directory.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("DATASET") { Description = "mnist, fashion-mnist or ptb" };
        var dir = new Option<string?>("--dir") { Description = $"data root (default ${DataDirectory.EnvironmentVariable}, else ~/.cache/nnrnn); files go to DIR/DATASET" };
        var baseUrl = new Option<string?>("--base-url") { Description = "download from this base URL instead of the usual public locations" };
        var pins = new Option<string[]>("--sha256")
        {
            Description = "NAME=HEX: require this SHA-256 for a file the catalog cannot verify (e.g. PTB's archive)",
            AllowMultipleArgumentsPerToken = false,
        };
        var download = new Command("download", "Download a dataset, verify its checksums and store it atomically (idempotent).");
        download.Arguments.Add(dataset);
        download.Options.Add(dir);
        download.Options.Add(baseUrl);
        download.Options.Add(pins);
        download.SetAction(r => CommandLine.Guard(() =>
        {
            var name = r.GetValue(dataset)!;
            if (!DatasetCatalog.All.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"DATASET: unknown dataset '{name}' (expected one of: {string.Join(", ", DatasetCatalog.All.Select(s => s.Name))})");
            var url = r.GetValue(baseUrl);
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
                throw new ArgumentException($"--base-url: expected an http:// or https:// URL (got '{url}')");
            var pinned = new Dictionary<string, string>();
            foreach (var pin in r.GetValue(pins) ?? Array.Empty<string>())
            {
                var parts = pin.Split('=', 2);
                if (parts.Length != 2 || parts[1].Length != 64 || !parts[1].All(Uri.IsHexDigit))
                    throw new ArgumentException($"--sha256: expected NAME=HEX with 64 hex digits (got '{pin}')");
                pinned[parts[0]] = parts[1].ToLowerInvariant();
            }
            var root = r.GetValue(dir) ?? DataDirectory.DefaultRoot();
            OutputLocation.CheckWritable(root, r.GetResult(dir) is { Implicit: false } ? dir.Name : $"the data root (${DataDirectory.EnvironmentVariable} or ~/.cache/nnrnn)");
            using var downloader = new DatasetDownloader();
            var folder = downloader.Download(name.ToLowerInvariant(), root, url is null ? null : url.TrimEnd('/') + "/", Console.Out, pinned);
            Console.WriteLine($"{name}: ready in {folder}");
            return 0;
        }));
        var command = new Command("data", "Datasets: download and verify.");
        command.Subcommands.Add(download);
        return command;
    }
}
