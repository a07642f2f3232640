// A plain Linear whose weight is constrained to be orthogonal in one line, trained with Adam to
// learn a random rotation; exits non-zero if the weight left the orthogonal group (max|WᵀW − I| > 1e-5).
using NnRnn.Parametrizations;
using TorchSharp;
using static TorchSharp.torch;

const int n = 16;
var g = new Generator(0);
var linear = nn.Linear(n, n, hasBias: false);
var weight = Parametrize.Orthogonal(linear, "weight");              // the one line

var target = OrthogonalSamples.Orthogonal(n, OrthogonalInit.Haar, generator: g).to_type(float32);
var x = randn(new long[] { 256, n }, generator: g);
var y = x.matmul(target.t());
var adam = optim.Adam(linear.parameters(), 0.01);
double loss = double.NaN;
for (int step = 0; step < 300; step++)
{
    using var scope = NewDisposeScope();
    using var cache = Parametrize.Cached();                           // W computed once per step
    adam.zero_grad();
    var l = nn.functional.mse_loss(linear.call(x), y);
    l.backward();
    adam.step();
    loss = l.to_type(ScalarType.Float64).item<double>();
}
double error = weight.ManifoldError();
Console.WriteLine($"loss {loss:E3}  max|WᵀW − I| = {error:E2}");
return error <= 1e-5 ? 0 : 1;
