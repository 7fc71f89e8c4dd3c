using Pyctd.Serve;
using Pyctd.Serve.Auth;

namespace Pyctd.Tests.Serve.Auth;

public sealed class AuthSpecTests
{
    [Theory]
    [InlineData("none", "None", null)]
    [InlineData("file", "File", null)]
    [InlineData("pam", "Pam", "pyctd")]
    [InlineData("pam:sshd", "Pam", "sshd")]
    [InlineData("exec:/usr/local/libexec/pyctd-auth", "Exec", "/usr/local/libexec/pyctd-auth")]
    public void TryParse_Forms_ModeAndTarget(string text, string mode, string? target)
    {
        Assert.True(AuthSpec.TryParse(text, out AuthMode parsed, out string? parsedTarget, out _));
        Assert.Equal(mode, parsed.ToString());
        Assert.Equal(target, parsedTarget);
        Assert.Equal(text == "pam" ? "pam:pyctd" : text, AuthSpec.Format(parsed, parsedTarget));
    }

    [Theory]
    [InlineData("ldap")]
    [InlineData("pam:")]
    [InlineData("pam:../shadow")]
    [InlineData("pam:a/b")]
    [InlineData("exec:relative/check")]
    [InlineData("exec:")]
    public void TryParse_Bad_Refused(string text) => Assert.False(AuthSpec.TryParse(text, out _, out _, out _));
}
