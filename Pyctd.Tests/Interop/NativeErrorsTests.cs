using Pyctd.Interop;

namespace Pyctd.Tests.Interop;

public sealed class NativeErrorsTests
{
    [Fact]
    public void Describe_KnownErrno_IsTheCLibraryTextAndTheNumber() =>
        Assert.Equal("Operation not supported (errno 95)", NativeErrors.Describe(95));

    [Fact]
    public void Describe_UnknownErrno_StillNamesTheNumber() =>
        Assert.EndsWith("(errno 4242)", NativeErrors.Describe(4242), StringComparison.Ordinal);

    /// <summary>serve describes kernel errors on many threads at once; strerror's shared buffer would mix them up.</summary>
    [Fact]
    public void Describe_FromManyThreadsAtOnce_GivesEachCallerItsOwnText()
    {
        int[] errnos = [.. Enumerable.Range(1, 133), .. Enumerable.Range(4000, 64)];
        Dictionary<int, string> alone = errnos.ToDictionary(static errno => errno, NativeErrors.Describe);

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int errno = errnos[i % errnos.Length];
            Assert.Equal(alone[errno], NativeErrors.Describe(errno));
        });
    }
}
