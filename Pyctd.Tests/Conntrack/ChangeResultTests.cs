using Pyctd.Conntrack;

namespace Pyctd.Tests.Conntrack;

public sealed class ChangeResultTests
{
    [Fact]
    public void FromAcknowledgement_Zero_IsChanged() =>
        Assert.Equal(ChangeOutcome.Changed, ChangeResult.FromAcknowledgement(0).Outcome);

    [Fact]
    public void FromAcknowledgement_Enoent_IsGone_AndSaysSo()
    {
        var result = ChangeResult.FromAcknowledgement(2);

        Assert.Equal(ChangeOutcome.Gone, result.Outcome);
        Assert.Equal("no such connection", result.Message);
        Assert.Equal(ChangeResult.Gone.Outcome, result.Outcome);
    }

    [Fact]
    public void FromAcknowledgement_Ebusy_IsFailed_WithTheTextAndTheNumber()
    {
        var result = ChangeResult.FromAcknowledgement(16);

        Assert.Equal(ChangeOutcome.Failed, result.Outcome);
        Assert.Equal("Device or resource busy (errno 16)", result.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    public void FromAcknowledgement_PermissionDenied_StopsEverythingWithExitCode4(int errno)
    {
        var error = Assert.Throws<PyctdException>(() => ChangeResult.FromAcknowledgement(errno));

        Assert.Equal(ExitCode.Permission, error.Code);
        Assert.Contains("CAP_NET_ADMIN", error.Message, StringComparison.Ordinal);
    }
}
