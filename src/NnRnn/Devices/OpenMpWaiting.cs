namespace NnRnn.Devices;

/// <summary>
/// How libtorch's OpenMP threads wait between parallel regions. libgomp's default spins for a
/// while before sleeping: on a machine whose cores are busy with other work (a sweep's other runs,
/// another user) a spinning thread holds a core that the thread it waits for needs, and a psMNIST
/// update at N = 512 on 2 threads ran 2–3× slower than with passive waiting (sleep at once). On an
/// idle machine the two measured the same (BENCHMARKS.md), so passive is the default here.
/// libgomp reads the setting once, when it is loaded: call this before the first torch call.
/// </summary>
public static class OpenMpWaiting
{
    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the process environment unless the user set
    /// <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>, or libgomp is already loaded. Returns whether it set it.</summary>
    public static bool PreferPassive()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null)
            return false;
        if (TorchRuntime.MappedLibraries().Any(p => Path.GetFileName(p).StartsWith("libgomp", StringComparison.Ordinal)))
            return false;
        return NativeEnvironment.Set("OMP_WAIT_POLICY", "PASSIVE");
    }
}
