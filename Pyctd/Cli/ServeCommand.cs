using System.CommandLine;
using Pyctd.Serve;
using Pyctd.Serve.Auth;

namespace Pyctd.Cli;

/// <summary>`pyctd serve`: the original's XML-RPC API over HTTP(S), on Kestrel.</summary>
internal static class ServeCommand
{
    public static readonly Option<string[]> Listen = new("--listen")
    {
        Description = $"Where to listen, repeatable: 127.0.0.1:PORT, [::1]:PORT, 0.0.0.0:PORT, [::]:PORT or unix:/PATH (default: 127.0.0.1:{ServeSettings.DefaultPort} and [::1]:{ServeSettings.DefaultPort})",
        HelpName = "ADDRESS",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string?> TlsCertificate = new("--tls-cert") { Description = "PEM certificate (chain): serve HTTPS", HelpName = "FILE" };

    public static readonly Option<string?> TlsKey = new("--tls-key") { Description = "PEM private key of --tls-cert (if not in the same file)", HelpName = "FILE" };

    public static readonly Option<string?> Auth = new("--auth")
    {
        Description = "How login(user, password) is checked. none: login() accepts anything; file: against --users; "
            + $"pam[:SERVICE]: through PAM, /etc/pam.d/SERVICE (default {AuthSpec.DefaultPamService}); exec:/PATH: by a program that reads "
            + "the user name and password on stdin, one per line (exit 0: accepted; stdout \"read-only\": read-only). "
            + "Default: file when the users file exists or --users is given, else none",
        HelpName = "none|file|pam[:SERVICE]|exec:/PATH",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (AuthSpec.TryParse(text, out _, out _, out string error))
            {
                return text;
            }

            result.AddError(error);
            return null;
        },
    };

    public static readonly Option<string> Users = new("--users")
    {
        Description = "Users file, managed with 'pyctd passwd'",
        HelpName = "FILE",
        DefaultValueFactory = _ => UsersFile.DefaultPath,
    };

    public static readonly Option<bool> ReadOnly = new("--read-only") { Description = "Refuse kill and change for everyone (fault 3)" };

    public static readonly Option<int?> SessionTimeout = new("--session-timeout")
    {
        Description = "Seconds a session lives without a call (default 10, as the original)",
        HelpName = "SECONDS",
        CustomParser = ValueParsers.Struct<int>("number of seconds", ValueParsers.Positive),
    };

    public static readonly Option<int?> AutoRefresh = new("--autorefresh")
    {
        Description = "New sessions' view() uses a snapshot at most this many seconds old; 0 keeps one until refresh() (default 1)",
        HelpName = "SECONDS",
        CustomParser = ValueParsers.Struct<int>("number of seconds", ValueParsers.NonNegative),
    };

    public static readonly Option<int?> MaxRequestSize = new("--max-request-size")
    {
        Description = "Largest request body in bytes, after gzip or deflate decompression (default 1048576)",
        HelpName = "BYTES",
        CustomParser = ValueParsers.Struct<int>("size", ValueParsers.Positive),
    };

    public static readonly Option<int?> MaxConnectionsPerAddress = new("--max-connections-per-address")
    {
        Description = $"Open connections one client address may hold; more are closed at once (default {ServeSettings.DefaultMaxConnectionsPerAddress}). "
            + "Behind a reverse proxy every client has the proxy's address: raise it there",
        HelpName = "N",
        CustomParser = ValueParsers.Struct<int>("number of connections", ValueParsers.Positive),
    };

    public static readonly Option<string?> Config = new("--config")
    {
        Description = $"Read settings from FILE (default {ConfigFile.DefaultPath} when it exists); options given here override it",
        HelpName = "FILE",
    };

    public static readonly Option<bool> AllowUnauthenticatedRemote = new("--allow-unauthenticated-remote")
    {
        Description = "Allow --auth none on a non-loopback address (anyone who can connect can kill connections)",
    };

    public static readonly Option<bool> I8 = new("--i8")
    {
        Description = "Answer integers beyond 32 bits as <i8> and marks unsigned (Python and Ruby read it; PHP, Frontier and npm clients do not). Default: counters and rates as <double>, "
            + "marks and ip2long addresses as signed <int>, which every XML-RPC client reads",
    };

    public static readonly Option<bool> NoConsole = new("--no-console") { Description = "Do not serve the web console: GET / answers 404 (XML-RPC is unchanged)" };

    public static Command Create()
    {
        var command = new Command("serve", $"""
            Serve the conntrack table over XML-RPC (the original pyctd's API) until stopped.

            GET / is the web console (unless --no-console).
            POST methodCalls to /RPC2 (or /). Methods: login, logout, view, group, kill, change,
            refresh, set_autorefresh, stats, system.listMethods, system.methodHelp,
            system.methodSignature, system.multicall. Audit lines (failed logins, kills,
            changes, refused connections) go to stderr, i.e. the journal under systemd.
            A changed users file counts within 2 s; SIGHUP (systemctl reload pyctd)
            re-reads it and the config file's read-only, autorefresh and session-timeout.

            Examples:
              pyctd serve                                   # loopback, port {ServeSettings.DefaultPort}
              pyctd serve --listen 0.0.0.0:{ServeSettings.DefaultPort} --tls-cert c.pem --tls-key k.pem
              pyctd serve --listen unix:/run/pyctd/pyctd.sock --read-only
              pyctd serve --auth pam                        # /etc/pam.d/pyctd
              pyctd serve --auth exec:/usr/local/libexec/pyctd-auth
            """);
        foreach (Option option in new Option[] { Config, Listen, TlsCertificate, TlsKey, Auth, Users, ReadOnly, SessionTimeout, AutoRefresh, MaxRequestSize, MaxConnectionsPerAddress, AllowUnauthenticatedRemote, NoConsole })
        {
            command.Options.Add(option);
        }

        command.Options.Add(I8);

        MetricsOptions.AddTo(command);
        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    private static ExitCode Run(ParseResult result)
    {
        ServeSettings settings = Build(result);
        IAuthenticator? authenticator = Authenticators.Create(settings);
        GarbageBudget.Ensure();
        // SIGHUP reads the config file again, with the command line still overriding it.
        return ServeHost.Run(settings, authenticator, () => Build(result), GlobalOptions.IsVerbose(result));
    }

    /// <summary>Settings from the config file, then from the command line, which wins where it gives a value.</summary>
    internal static ServeSettings Build(ParseResult result)
    {
        string? configPath = result.GetValue(Config);
        ConfigFile config = configPath is not null ? ConfigFile.Load(configPath)
            : File.Exists(ConfigFile.DefaultPath) ? ConfigFile.Load(ConfigFile.DefaultPath)
            : ConfigFile.Empty;

        IReadOnlyList<string> listenTexts = Given(result, Listen) ? result.GetValue(Listen) ?? [] : config.All("listen");
        var listen = new List<ListenAddress>();
        foreach (string text in listenTexts)
        {
            listen.Add(ListenAddress.TryParse(text, out ListenAddress? address, out string? error)
                ? address!
                : throw new PyctdException(ExitCode.Usage, $"listen: {error}"));
        }

        string? certificate = Given(result, TlsCertificate) ? result.GetValue(TlsCertificate) : config.Text("tls-cert");
        string? key = Given(result, TlsKey) ? result.GetValue(TlsKey) : config.Text("tls-key");
        if (key is not null && certificate is null)
        {
            throw new PyctdException(ExitCode.Usage, "--tls-key needs --tls-cert");
        }

        bool usersNamed = Given(result, Users) || config.Text("users") is not null;
        string users = (Given(result, Users) ? result.GetValue(Users) : config.Text("users")) ?? UsersFile.DefaultPath;
        string? authText = Given(result, Auth) ? result.GetValue(Auth) : config.Text("auth", static text => AuthSpec.TryParse(text, out _, out _, out string error) ? null : error);
        AuthMode auth;
        string? authTarget = null;
        if (authText is null)
        {
            // A users file that was named, or that we cannot even see (a directory we may not enter),
            // must not mean "no users, no passwords".
            auth = usersNamed || Interop.FileTypes.MayExist(users) ? AuthMode.File : AuthMode.None;
        }
        else if (!AuthSpec.TryParse(authText, out auth, out authTarget, out string error))
        {
            throw new PyctdException(ExitCode.Usage, $"auth: {error}"); // checked above, by the option's parser or the config file
        }

        var settings = new ServeSettings
        {
            Listen = listen.Count > 0 ? listen : new ServeSettings().Listen,
            TlsCertificate = certificate,
            TlsKey = key,
            Auth = auth,
            AuthTarget = authTarget,
            UsersPath = users,
            ReadOnly = Given(result, ReadOnly) ? result.GetValue(ReadOnly) : config.Flag("read-only") ?? false,
            SessionTimeout = TimeSpan.FromSeconds((Given(result, SessionTimeout) ? result.GetValue(SessionTimeout) : config.Integer("session-timeout", 1)) ?? 10),
            AutoRefreshSeconds = (Given(result, AutoRefresh) ? result.GetValue(AutoRefresh) : config.Integer("autorefresh", 0)) ?? 1,
            MaxRequestBytes = (Given(result, MaxRequestSize) ? result.GetValue(MaxRequestSize) : config.Integer("max-request-size", 1024)) ?? (1024 * 1024),
            MaxConnectionsPerAddress = (Given(result, MaxConnectionsPerAddress) ? result.GetValue(MaxConnectionsPerAddress) : config.Integer("max-connections-per-address", 1))
                ?? ServeSettings.DefaultMaxConnectionsPerAddress,
            AllowUnauthenticatedRemote = Given(result, AllowUnauthenticatedRemote) ? result.GetValue(AllowUnauthenticatedRemote) : config.Flag("allow-unauthenticated-remote") ?? false,
            Netns = Given(result, GlobalOptions.Netns) ? result.GetValue(GlobalOptions.Netns) : config.Text("netns"),
            I8 = Given(result, I8) ? result.GetValue(I8) : config.Flag("i8") ?? false,
            Console = Given(result, NoConsole) ? !result.GetValue(NoConsole) : config.Flag("console") ?? true,
        };

        ListenAddress? exposed = settings.Listen.FirstOrDefault(static a => !a.IsLoopback);
        if (settings.Auth == AuthMode.None && exposed is not null && !settings.AllowUnauthenticatedRemote)
        {
            throw new PyctdException(ExitCode.Usage,
                $"refusing --auth none on {exposed}, which is not loopback: anyone who can connect could kill connections. "
                + "Add users ('pyctd passwd add USER') or pass --allow-unauthenticated-remote");
        }

        return MetricsOptions.Apply(result, config, settings);
    }

    /// <summary>Whether the option was given on the command line (so it overrides the config file).</summary>
    internal static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };
}
