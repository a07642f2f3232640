using Xunit;

// libtorch's global random generator is shared by every thread: tests that seed it and then build
// a model must not interleave with other tests, so the test classes run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
