using Pyctd.Serve.Auth;

namespace Pyctd.Tests.Serve;

/// <summary>The stand-in hash for user names that do not exist costs what the users' own do and matches nothing.</summary>
public sealed class PasswordHashTests
{
    [Fact]
    public void Dummy_HasTheIterationCountMostUsersHave_AndMatchesNoPassword()
    {
        User[] users =
        [
            new("a", PasswordHash.Create("x", 2000), false, false),
            new("b", PasswordHash.Create("y", 2000), false, false),
            new("c", PasswordHash.Create("z", 1000), false, false),
        ];

        string dummy = PasswordHash.Dummy(users);

        Assert.StartsWith($"{PasswordHash.Scheme}$2000$", dummy, StringComparison.Ordinal);
        Assert.True(PasswordHash.IsValid(dummy, out bool legacy) && !legacy);
        Assert.False(PasswordHash.Verify("x", dummy));
        Assert.False(PasswordHash.Verify(string.Empty, dummy));
        Assert.NotEqual(dummy, PasswordHash.Dummy(users));
    }

    [Fact]
    public void Dummy_WithoutUsers_HasTheDefaultCost() =>
        Assert.StartsWith($"{PasswordHash.Scheme}${PasswordHash.DefaultIterations}$", PasswordHash.Dummy([]), StringComparison.Ordinal);
}
