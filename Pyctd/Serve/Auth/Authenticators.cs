namespace Pyctd.Serve.Auth;

/// <summary>The authenticator the settings ask for, made and checked at start-up: a bad setup stops serve with one line.</summary>
internal static class Authenticators
{
    /// <summary>Null for --auth none.</summary>
    public static IAuthenticator? Create(ServeSettings settings)
    {
        switch (settings.Auth)
        {
            case AuthMode.File:
                IReadOnlyList<User> users = UsersFile.Load(settings.UsersPath, static warning => Console.Error.WriteLine($"pyctd: warning: {warning}"));
                return users.Count > 0
                    ? new FileAuthenticator(users, settings.UsersPath)
                    : throw new PyctdException(ExitCode.Failure, $"{settings.UsersPath} has no users: add one with 'pyctd passwd add USER'");
            case AuthMode.Pam:
                return new PamAuthenticator(settings.AuthTarget ?? AuthSpec.DefaultPamService);
            case AuthMode.Exec:
                return new ExecAuthenticator(settings.AuthTarget!);
            default:
                return null;
        }
    }
}
