using System.Runtime.InteropServices;

namespace NnRnn.Devices;

/// <summary>
/// Sets a variable in the C environment that native libraries read (libgomp, libtorch's allocator):
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach it. Also
/// sets it for .NET, so child processes (sweep workers) inherit it.
/// </summary>
internal static class NativeEnvironment
{
    /// <summary>False where the C library has no <c>setenv</c> or refused.</summary>
    public static bool Set(string name, string value)
    {
        try
        {
            if (setenv(name, value, 0) != 0) return false;
            Environment.SetEnvironmentVariable(name, value);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
