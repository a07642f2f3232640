using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// Redirects a module's parameter to a <see cref="ConstrainedParameter"/>. TorchSharp has no
/// parametrize hooks: the module's forward reads a field (Linear reads <c>_weight</c>), so the
/// original Parameter is unregistered, the constrained module is registered in its place
/// (<c>{name}_parametrization</c>: its free parameters are what optimizers see), and the field is
/// pointed at the constrained value before each <c>call</c> (a forward pre-hook) and on <see cref="Assign"/>.
/// </summary>
internal sealed class ModuleBinding
{
    private static readonly FieldInfo Params = typeof(nn.Module).GetField("_internal_params", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("TorchSharp's Module has no _internal_params field (unsupported TorchSharp version)");

    private static readonly FieldInfo Submodules = typeof(nn.Module).GetField("_internal_submodules", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("TorchSharp's Module has no _internal_submodules field (unsupported TorchSharp version)");

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<nn.Module, Dictionary<string, ModuleBinding>> Bindings = new();

    private readonly nn.Module module;
    private readonly FieldInfo field;
    private readonly Action? unhook;
    private Tensor? assigned;

    private ModuleBinding(nn.Module module, string name, FieldInfo field, ConstrainedParameter handle)
    {
        this.module = module;
        this.field = field;
        Name = name;
        Handle = handle;
        if (module is nn.Module<Tensor, Tensor> hookable)
        {
            var remover = hookable.register_forward_pre_hook((_, input) => { Assign(); return input; });
            unhook = remover.remove;
        }
    }

    public string Name { get; }

    public ConstrainedParameter Handle { get; }

    public static string ModuleName(string name) => name + "_parametrization";

    /// <summary>The parameter <paramref name="name"/> of <paramref name="module"/> and the field its forward reads.</summary>
    public static (Parameter Parameter, FieldInfo Field) Find(nn.Module module, string name)
    {
        if (Bindings.TryGetValue(module, out var existing) && existing.ContainsKey(name))
            throw new AlreadyParametrizedException(name);
        var own = module.named_parameters(recurse: false).ToList();
        var match = own.Where(p => p.name == name).Select(p => p.parameter).FirstOrDefault();
        if (match is null)
            throw new ParameterNotFoundException(name, $"{module.GetType().Name} has no parameter of that name (it has: {string.Join(", ", own.Select(p => p.name).DefaultIfEmpty("none"))}).");
        for (var type = module.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (typeof(Tensor).IsAssignableFrom(f.FieldType) && ReferenceEquals(f.GetValue(module), match))
                    return (match, f);
        throw new ParameterNotFoundException(name, $"{module.GetType().Name} keeps it in no field its forward could read; use a ConstrainedParameter directly and read its Value in your forward.");
    }

    /// <summary>Unregisters the parameter, registers <paramref name="handle"/> and points the field at its value.</summary>
    public static ModuleBinding Bind(nn.Module module, string name, FieldInfo field, ConstrainedParameter handle)
    {
        var old = (Tensor)field.GetValue(module)!;
        RemoveParameter(module, name);
        module.register_module(ModuleName(name), handle);
        var binding = new ModuleBinding(module, name, field, handle);
        Bindings.GetOrCreateValue(module)[name] = binding;
        binding.Assign();
        old.Dispose();
        return binding;
    }

    /// <summary>The binding of <paramref name="name"/> on <paramref name="module"/>, or null.</summary>
    public static ModuleBinding? Of(nn.Module module, string name)
        => Bindings.TryGetValue(module, out var map) && map.TryGetValue(name, out var b) ? b : null;

    /// <summary>Points the module's field at the constrained value (computed through the open cache scope, if any).</summary>
    public void Assign()
    {
        var value = Handle.Value;
        // Parameter(t) takes over t's handle, so an alias keeps the value's graph (grad_fn) intact.
        Tensor view = field.FieldType.IsAssignableFrom(typeof(Tensor)) ? value.alias() : new Parameter(value.alias(), value.requires_grad);
        view.DetachFromDisposeScope();
        field.SetValue(module, view);
        assigned?.Dispose();
        assigned = view;
    }

    /// <summary>Undoes the binding: the module gets a plain Parameter holding the current constrained value.</summary>
    public void Remove()
    {
        unhook?.Invoke();
        RemoveEntry(Submodules, module, ModuleName(Name));
        Tensor current;
        using (no_grad()) current = Handle.Value.detach().clone();
        var parameter = new Parameter(current);
        field.SetValue(module, parameter);
        module.register_parameter(Name, parameter);
        assigned?.Dispose();
        assigned = null;
        if (Bindings.TryGetValue(module, out var map)) map.Remove(Name);
    }

    private static void RemoveParameter(nn.Module module, string name) => RemoveEntry(Params, module, name);

    private static void RemoveEntry(FieldInfo dictionary, nn.Module module, string key)
    {
        var dict = dictionary.GetValue(module)!;
        dict.GetType().GetMethod("Remove", new[] { typeof(string) })!.Invoke(dict, new object[] { key });
    }
}
