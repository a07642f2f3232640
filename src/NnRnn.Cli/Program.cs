using System.Diagnostics;
using NnRnn.Cells; using NnRnn.Optim; using NnRnn.Tasks; using NnRnn.Training;
using TorchSharp;
using static TorchSharp.torch;
set_num_threads(1);
manual_seed(1);
var cell = CellFactory.Create(new CellSpec("RNN", 1, 128, RInit: "xavier"));
var x = randn(220, 10, 1);
void T(string name, Action f) { for (int i=0;i<20;i++) f(); var sw=Stopwatch.StartNew(); int n=50; for (int i=0;i<n;i++) f(); Console.WriteLine($"{name}: {sw.Elapsed.TotalMilliseconds/n:F3} ms"); }
T("run fused no_grad", () => { using var s = NewDisposeScope(); using var g = no_grad(); SequenceRunner.Run(cell, x); });
T("run fused grad", () => { using var s = NewDisposeScope(); SequenceRunner.Run(cell, x); });
T("run fused grad+backward", () => { using var s = NewDisposeScope(); var (o,_) = SequenceRunner.Run(cell, x); o.sum().backward(); });
T("run steps grad+backward", () => { using var s = NewDisposeScope(); var (o,_) = SequenceRunner.Run(cell, x, null, UnrollMode.StepByStep); o.sum().backward(); });
var h = randn(10,128); var w = randn(128,128); var a = randn(220,10,128); var b = randn(128);
var m = new NnRnn.Nonlinearities.ModReLU(128);
T("loop only", () => { using var s = NewDisposeScope(); using var g = no_grad(); var hh = h; for (int t=0;t<220;t++){ using var at = a[t]; using var z = addmm(at, hh, w, 1, 1); hh = m.forward(z);} });
T("loop only inline modrelu", () => { using var s = NewDisposeScope(); using var g = no_grad(); var hh = h; for (int t=0;t<220;t++){ using var at = a[t]; using var z = addmm(at, hh, w, 1, 1); hh = z.sign() * (z.abs() + b).relu();} });
T("loop addmm only", () => { using var s = NewDisposeScope(); using var g = no_grad(); var hh = h; for (int t=0;t<220;t++){ using var at = a[t]; hh = addmm(at, hh, w, 1, 1);} });
