namespace Pyctd.Serve.Auth;

/// <summary>What an authenticator says about a user name and password; <see cref="Detail"/> is for the audit line, never for the client.</summary>
internal readonly record struct AuthOutcome(bool Accepted, bool ReadOnly, string Detail)
{
    public static AuthOutcome ReadWrite { get; } = new(true, false, string.Empty);

    public static AuthOutcome Refused(string detail = "") => new(false, false, detail);
}

/// <summary>
/// One way of checking login(user, password): the users file, PAM or a site's program
/// (--auth file|pam|exec). <see cref="LoginService"/> is the one login path around it: argument
/// checks, the throttle, the audit line and the session.
/// </summary>
internal interface IAuthenticator
{
    /// <summary>How serve names it on its start-up line, e.g. "pam (service pyctd)".</summary>
    string Description { get; }

    /// <summary>Checks a password. Never throws for a wrong one; slow checks run off the caller's thread.</summary>
    Task<AuthOutcome> CheckAsync(string user, string password, string client);
}
