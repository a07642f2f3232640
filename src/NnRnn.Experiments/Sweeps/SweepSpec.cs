using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using NnRnn.Cells;
using NnRnn.Experiments.Presets;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NnRnn.Experiments.Sweeps;

/// <summary>
/// A sweep spec (YAML): a name, a task, the models (net types and/or presets), seeds, options
/// every run gets, and a grid of overrides whose lists multiply (cartesian product).
/// <code>
/// name: quick-sweep
/// task: copytask
/// nets: [RNN, nnRNN]          # --net-type values; and/or
/// presets: [nnRNN-128]        # --preset names of the task
/// seeds: [1, 2]
/// options: {steps: 20, delay: 10}
/// grid: {lr: [0.001, 0.0001]}
/// </code>
/// </summary>
/// <param name="Models">Each model: the option it sets (--net-type or --preset) and the value.</param>
/// <param name="Options">Options of every run, command-line names without "--" (a list gives several values).</param>
/// <param name="Grid">Overrides; each key's list is one axis of the product.</param>
public sealed record SweepSpec(string File, string Name, string Task, IReadOnlyList<(string Option, string Value)> Models, IReadOnlyList<int> Seeds,
    IReadOnlyList<(string Key, string[] Values)> Options, IReadOnlyList<(string Key, string[] Values)> Grid)
{
    private static readonly string[] Keys = ["name", "task", "nets", "presets", "seeds", "options", "grid"];

    /// <summary>Options a spec may not set: the models and seeds have their own keys, the sweep places runs and stores.</summary>
    private static readonly string[] Reserved = ["net-type", "preset", "random-seed", "out", "store", "resume", "stop-after"];

    /// <summary>The options types of the training commands, by task name.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Tasks = new RunOptions[] { new CopyTaskOptions(), new AddingOptions(), new PsmnistOptions(), new PtbOptions() }
        .ToDictionary(o => o.TaskName, o => o.GetType());

    /// <summary>Reads and checks a spec file; any problem is a <see cref="SweepSpecException"/> naming the file and key.</summary>
    public static SweepSpec Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new SweepSpecException(path, "SPEC", "no such file");
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new SweepSpecException(path, $"line {e.Start.Line}", $"not valid YAML ({e.Message.Split('\n')[0].Trim()})");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new SweepSpecException(path, "(top level)", "expected a mapping with keys " + string.Join(", ", Keys));
        return Parse(path, root);
    }

    private static SweepSpec Parse(string file, YamlMappingNode root)
    {
        SweepSpecException Error(string key, string problem) => new(file, key, problem);
        var entries = new Dictionary<string, YamlNode>();
        foreach (var (k, v) in root.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (!Keys.Contains(key)) throw Error(key, $"unknown key (expected one of {string.Join(", ", Keys)})");
            entries[key] = v;
        }
        string Scalar(string key)
            => entries.TryGetValue(key, out var n) && n is YamlScalarNode { Value: { Length: > 0 } s } ? s
                : throw Error(key, entries.ContainsKey(key) ? "expected a single value" : "missing (required)");
        string[] List(string key, YamlNode node)
            => node switch
            {
                YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode) && seq.Children.Count > 0
                    => seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToArray(),
                YamlScalarNode { Value: { Length: > 0 } s } => [s],
                _ => throw Error(key, "expected a value or a non-empty list of values"),
            };

        var name = Scalar("name");
        if (name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) >= 0 || name is "." or "..")
            throw Error("name", $"expected a name usable as a folder (letters, digits, '-', '_', '.'), got '{name}'");
        var task = Scalar("task");
        if (!Tasks.TryGetValue(task, out var optionsType)) throw Error("task", $"expected one of {string.Join(", ", Tasks.Keys)}, got '{task}'");

        var models = new List<(string, string)>();
        if (entries.TryGetValue("nets", out var nets))
            foreach (var net in List("nets", nets))
            {
                try { models.Add(("--net-type", SeedNames.Of(SeedNames.Parse<NetType>(net, "nets")))); }
                catch (ArgumentException) { throw Error("nets", $"unknown net type '{net}' (expected {string.Join(", ", SeedNames.All<NetType>())})"); }
            }
        if (entries.TryGetValue("presets", out var presets))
            foreach (var preset in List("presets", presets))
            {
                try { models.Add(("--preset", PresetCatalog.Find(task, preset).Name)); }
                catch (ArgumentException e) { throw Error("presets", e.Message); }
            }
        if (models.Count == 0) throw Error("nets", "give nets or presets (at least one model)");
        if (models.Select(m => m.Item2.ToLowerInvariant()).Distinct().Count() != models.Count) throw Error("presets", "a model is listed twice");

        var seeds = new List<int>();
        foreach (var s in entries.TryGetValue("seeds", out var seedNode) ? List("seeds", seedNode) : throw Error("seeds", "missing (required)"))
            seeds.Add(int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : throw Error("seeds", $"expected integers, got '{s}'"));
        if (seeds.Distinct().Count() != seeds.Count) throw Error("seeds", "a seed is listed twice");

        var known = KnownOptions(optionsType);
        List<(string, string[])> Map(string key)
        {
            if (!entries.TryGetValue(key, out var node)) return [];
            if (node is not YamlMappingNode map) throw Error(key, "expected a mapping of option names (without --) to values");
            var result = new List<(string, string[])>();
            foreach (var (k, v) in map.Children)
            {
                var option = (k as YamlScalarNode)?.Value ?? "";
                var where = $"{key}.{option}";
                if (Reserved.Contains(option)) throw Error(where, "set by the sweep itself (use nets, presets and seeds)");
                if (!known.TryGetValue(option, out var type))
                    throw Error(where, $"not an option of nnrnn {task} (see nnrnn {task} --help)");
                var values = List(where, v);
                foreach (var value in values) CheckValue(where, type, value, Error);
                result.Add((option, values));
            }
            return result;
        }
        var options = Map("options");
        var grid = Map("grid");
        foreach (var (key, _) in grid)
            if (options.Any(o => o.Item1 == key)) throw Error($"grid.{key}", "also given under options (give it in one place)");
        return new SweepSpec(file, name, task, models, seeds, options, grid);
    }

    /// <summary>A task's option names (as on the command line, without --) and their types; plus checkpoint-every.</summary>
    private static Dictionary<string, Type> KnownOptions(Type optionsType)
    {
        var known = optionsType.GetProperties()
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => p.PropertyType);
        known["checkpoint-every"] = typeof(int);
        return known;
    }

    private static void CheckValue(string key, Type type, string value, Func<string, string, SweepSpecException> error)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray) t = t.GetElementType()!;
        bool ok = t == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : t == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            : t == typeof(double) || t == typeof(float) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            : t == typeof(bool) ? bool.TryParse(value, out _)
            : true;   // names (net types, initialisers, ...) are checked by the training command itself
        if (!ok) throw error(key, $"expected {(t == typeof(bool) ? "true or false" : t == typeof(double) || t == typeof(float) ? "a number" : "an integer")}, got '{value}'");
    }
}
