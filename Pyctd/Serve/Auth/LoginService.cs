using System.Globalization;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Auth;

/// <summary>
/// login(user, password), whatever checks the password: the arguments (strings, or integers as
/// their decimal text, which is how Frontier and RPC::XML send digit-only ones), the name's form,
/// the throttle, the authenticator, the audit line and the session. Under --auth none
/// (<c>authenticator</c> null) any arguments give an anonymous session.
/// </summary>
internal sealed class LoginService(LiveSettings live, IAuthenticator? authenticator, SessionStore sessions, LoginThrottle throttle, Action<string> audit)
{
    public async Task<string> LoginAsync(IReadOnlyList<XmlRpcValue> p, string client)
    {
        // The request's login budget (RequestScope): a system.multicall of logins checks one password.
        RequestScope.Current?.SpendLogin();
        if (authenticator is null)
        {
            return sessions.Create("anonymous", live.Current.ReadOnly, client, live.Current.AutoRefreshSeconds).Id;
        }

        if (p.Count != 2 || Text(p[0]) is not string name || Text(p[1]) is not string password)
        {
            throw Api.Arguments.Bad("login takes (user, password), both strings");
        }

        if (!UsersFile.IsValidName(name))
        {
            // No user has such a name, and the throttle keeps no key of a megabyte.
            audit($"login failed (not a user name) user={AuditText.Quote(name)} from={client}");
            throw new XmlRpcFault(XmlRpcFault.AuthenticationFailed, "authentication failed");
        }

        // Counted as a failure before the password is checked; a success takes it back.
        if (!throttle.TryAdmit(name, client, out TimeSpan wait))
        {
            audit($"login refused (throttled) user={AuditText.Quote(name)} from={client}");
            throw new XmlRpcFault(XmlRpcFault.AuthenticationFailed, $"too many failed logins; try again in {Math.Ceiling(wait.TotalSeconds):0} s");
        }

        AuthOutcome outcome = await authenticator.CheckAsync(name, password, client);
        if (!outcome.Accepted)
        {
            audit($"login failed user={AuditText.Quote(name)} from={client}{(outcome.Detail.Length > 0 ? $" reason={AuditText.Quote(outcome.Detail)}" : string.Empty)}");
            throw new XmlRpcFault(XmlRpcFault.AuthenticationFailed, "authentication failed");
        }

        throttle.Succeeded(name, client);
        ServeSettings settings = live.Current;
        return sessions.Create(name, outcome.ReadOnly || settings.ReadOnly, client, settings.AutoRefreshSeconds).Id;
    }

    /// <summary>A string as it is; an integer (i4, int, i8) as its decimal text; anything else null.</summary>
    private static string? Text(XmlRpcValue value) => value.Kind switch
    {
        XmlRpcKind.String => value.String,
        XmlRpcKind.Integer => value.Integer.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
