using System.CommandLine;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Serialization;

namespace NnRnn.Cli;

/// <summary>
/// The command-line options of a training command, read from its options record: every property
/// with a JSON name (options.json's, the seed's) is the option <c>--NAME</c>, described by its
/// <see cref="DescriptionAttribute"/>, defaulting to the record's value. Adding an option to a
/// task is adding a property to its options record.
/// </summary>
public sealed class OptionBinder<TOptions> where TOptions : class, new()
{
    private readonly List<(PropertyInfo Property, Option Option)> options = [];

    public OptionBinder()
    {
        var defaults = new TOptions();
        var properties = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null && p.CanWrite)
            .OrderBy(p => Depth(p.DeclaringType!)).ThenBy(p => p.MetadataToken);
        foreach (var property in properties)
        {
            var name = "--" + property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;
            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            var value = property.GetValue(defaults);
            if (SeedNames.Knows(property.PropertyType))
            {
                options.Add((property, SeedNameOption(name, description, property.PropertyType, (Enum)value!)));
                continue;
            }
            var make = typeof(OptionBinder<TOptions>).GetMethod(nameof(Make), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(property.PropertyType);
            options.Add((property, (Option)make.Invoke(null, [name, description, value])!));
        }
    }

    public IEnumerable<Option> All => options.Select(o => o.Option);

    /// <summary>The options given explicitly on the command line.</summary>
    public IEnumerable<string> Given(ParseResult result) => All.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name);

    /// <summary>The option bound to the options property <paramref name="propertyName"/>.</summary>
    public Option OptionOf(string propertyName) => options.First(o => o.Property.Name == propertyName).Option;

    /// <summary>
    /// The options record with every value read from the command line: <paramref name="basis"/>
    /// (e.g. a preset) where an option was not given, else the defaults.
    /// </summary>
    public TOptions Bind(ParseResult result, TOptions? basis = null)
    {
        var bound = basis ?? new TOptions();
        foreach (var (property, option) in options)
        {
            if (basis is not null && result.GetResult(option) is not { Implicit: false }) continue;   // only what was given overrides the basis
            if (SeedNames.Knows(property.PropertyType))
            {
                property.SetValue(bound, SeedNames.Parse(property.PropertyType, result.GetValue((Option<string>)option)!, property.Name));
                continue;
            }
            var read = typeof(OptionBinder<TOptions>).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(property.PropertyType);
            property.SetValue(bound, read.Invoke(null, [result, option]));
        }
        return bound;
    }

    /// <summary>An enum option written as the seed spells it (RNN-orth, modrelu), in any case; help shows the seed's default.</summary>
    private static Option<string> SeedNameOption(string name, string description, Type type, Enum defaultValue)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => SeedNames.Of(type, defaultValue) };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0) return;   // the default
            try { SeedNames.Parse(type, r.Tokens[0].Value, name); }
            catch (ArgumentException e) { r.AddError($"{name}: {NnRnn.Cells.CellFactory.Bare(e)}"); }
        });
        return option;
    }

    private static Option<T> Make<T>(string name, string description, T defaultValue)
    {
        var option = new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        if (typeof(T).IsArray)
        {
            // --betas 0.9 0.999: the values follow the option; the options record checks how many
            option.AllowMultipleArgumentsPerToken = true;
            option.Arity = ArgumentArity.OneOrMore;
        }
        return option;
    }

    /// <summary>
    /// An error about an options property (<see cref="ArgumentException.ParamName"/>, any case) as
    /// one about its command-line option; other errors unchanged.
    /// </summary>
    public Exception ToOptionError(ArgumentException error)
    {
        var match = options.FirstOrDefault(o => string.Equals(o.Property.Name, error.ParamName, StringComparison.OrdinalIgnoreCase));
        return match.Option is null ? error : new ArgumentException($"{match.Option.Name}: {NnRnn.Cells.CellFactory.Bare(error)}", error);
    }

    private static T? Read<T>(ParseResult result, Option option) => result.GetValue((Option<T>)option);

    private static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);
}
