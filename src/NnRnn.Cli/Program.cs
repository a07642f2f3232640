// nnrnn: a thin command-line layer over the NnRnn library.
// libtorch's OpenMP threads wait passively (OpenMpWaiting) unless the user chose otherwise: set
// before libgomp is loaded, i.e. before anything touches torch.
NnRnn.Devices.OpenMpWaiting.PreferPassive();
// Large tensors in huge pages (NativeHeap.PreferHugePages): also read when libtorch first allocates.
NnRnn.Devices.NativeHeap.PreferHugePages();
// NNRNN_LIBTORCH must be applied before the first torch call of the process (README, "GPU").
try
{
    NnRnn.Devices.LibTorchLoader.Apply();
}
catch (NnRnn.Devices.LibTorchException e)
{
    Console.Error.WriteLine($"nnrnn: error: {e.Message}");
    return NnRnn.Cli.CommandLine.UsageError;
}
// Freed tensor memory stays in the heap between updates instead of being faulted in again (NativeHeap).
NnRnn.Devices.NativeHeap.KeepFreedMemory();
return NnRnn.Cli.App.Run(args);
