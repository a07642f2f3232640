using System.Runtime.ExceptionServices;

namespace NnRnn.Blas;

/// <summary>
/// A sequence's steps run by a fixed team of threads, each owning a share of every step's columns
/// (<see cref="ResidentWeights"/>): all workers finish step t before any starts t + 1 (a spinning
/// barrier: a psMNIST step takes about 0.2 ms, a thread's wake-up far longer). The caller is worker 0;
/// the others are started per sequence, which costs less than one step. The body must not call
/// libtorch (its dispose scopes and thread pools are per thread).
/// </summary>
internal static class StepTeam
{
    /// <summary>body(worker, step) for steps 0 … <paramref name="steps"/> − 1 on <paramref name="workers"/> threads; rethrows a worker's exception.</summary>
    public static void Run(int workers, int steps, Action<int, int> body)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers));
        if (workers == 1)
        {
            for (int t = 0; t < steps; t++) body(0, t);
            return;
        }
        var team = new Barrier(workers);
        var threads = new Thread[workers - 1];
        for (int w = 1; w < workers; w++)
        {
            int worker = w;
            threads[w - 1] = new Thread(() => team.Work(worker, steps, body), 256 * 1024) { IsBackground = true, Name = $"nnrnn step worker {worker}" };
            threads[w - 1].Start();
        }
        team.Work(0, steps, body);
        foreach (var thread in threads) thread.Join();
        if (team.Error is not null) ExceptionDispatchInfo.Throw(team.Error);
    }

    private sealed class Barrier(int workers)
    {
        private int arrived;
        private volatile int generation;
        private volatile bool failed;
        private Exception? error;

        public Exception? Error => error;

        public void Work(int worker, int steps, Action<int, int> body)
        {
            try
            {
                for (int t = 0; t < steps; t++)
                {
                    body(worker, t);
                    Arrive();
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref error, e, null);   // the first failure; the others only stopped waiting for it
                failed = true;
            }
        }

        private void Arrive()
        {
            int current = generation;
            if (Interlocked.Increment(ref arrived) == workers)
            {
                arrived = 0;                 // before the generation moves on: nobody arrives at the next barrier earlier
                generation = current + 1;
                return;
            }
            var spin = new SpinWait();
            while (generation == current)
            {
                if (failed) throw new OperationCanceledException("another step worker failed");
                spin.SpinOnce(sleep1Threshold: -1);   // spin, then yield; never sleep a millisecond
            }
        }
    }
}
