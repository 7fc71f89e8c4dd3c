using Pyctd.Serve;
using Pyctd.Serve.Metrics;

namespace Pyctd.Tests.Serve;

/// <summary>The Prometheus text writer and where /metrics is answered.</summary>
public sealed class MetricsTextTests
{
    [Fact]
    public void PrometheusText_EscapesLabelValuesAndHelp_WritesInvariantNumbers()
    {
        var text = new PrometheusText();
        text.Family("pyctd_x", "gauge", "a \\ help\nline");
        text.Sample("pyctd_x", 0.5, ("host", "a\"b\\c\nd"), ("cpu", "1"));
        text.Sample("pyctd_x", 18446744073709551615UL);
        text.Sample("pyctd_x", double.PositiveInfinity);
        Assert.Equal(
            "# HELP pyctd_x a \\\\ help\\nline\n# TYPE pyctd_x gauge\n"
            + "pyctd_x{host=\"a\\\"b\\\\c\\nd\",cpu=\"1\"} 0.5\npyctd_x 18446744073709551615\npyctd_x +Inf\n",
            text.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:1", "Local", true)]
    [InlineData("[::1]:1", "Local", true)]
    [InlineData("unix:/run/pyctd.sock", "Local", true)]
    [InlineData("0.0.0.0:1", "Local", false)]
    [InlineData("192.0.2.1:1", "Local", false)]
    [InlineData("192.0.2.1:1", "All", true)]
    [InlineData("127.0.0.1:1", "Off", false)]
    public void Serves_LocalByDefault_AllWhenAsked_NeverWhenOff(string listen, string mode, bool served) =>
        Assert.Equal(served, MetricsEndpoint.Serves(ListenAddress.Parse(listen), Enum.Parse<MetricsMode>(mode)));
}
