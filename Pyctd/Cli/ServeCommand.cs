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
        Description = "none: login() accepts anything; file: login(user, password) against --users (default: file when the users file exists, else none)",
        HelpName = "none|file",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (text is "none" or "file")
            {
                return text;
            }

            result.AddError($"'{text}' is not an auth mode (none or file)");
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
        Description = "Largest request body in bytes, after gzip decompression (default 1048576)",
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

    public static Command Create()
    {
        var command = new Command("serve", $"""
            Serve the conntrack table over XML-RPC (the original pyctd's API) until stopped.

            POST methodCalls to /RPC2 (or /). Methods: login, logout, view, group, kill, change,
            refresh, set_autorefresh, stats, system.listMethods, system.methodHelp,
            system.methodSignature, system.multicall. Audit lines (failed logins, kills,
            changes, refused connections) go to stderr, i.e. the journal under systemd.

            Examples:
              pyctd serve                                   # loopback, port {ServeSettings.DefaultPort}
              pyctd serve --listen 0.0.0.0:{ServeSettings.DefaultPort} --tls-cert c.pem --tls-key k.pem
              pyctd serve --listen unix:/run/pyctd/pyctd.sock --read-only
            """);
        foreach (Option option in new Option[] { Config, Listen, TlsCertificate, TlsKey, Auth, Users, ReadOnly, SessionTimeout, AutoRefresh, MaxRequestSize, MaxConnectionsPerAddress, AllowUnauthenticatedRemote })
        {
            command.Options.Add(option);
        }

        MetricsOptions.AddTo(command);
        command.SetAction(result => CommandRunner.Run(result, () => Run(result)));
        return command;
    }

    private static ExitCode Run(ParseResult result)
    {
        ServeSettings settings = Build(result);
        IReadOnlyList<User> users = settings.Auth == AuthMode.File
            ? UsersFile.Load(settings.UsersPath, static warning => Console.Error.WriteLine($"pyctd: warning: {warning}"))
            : [];
        if (settings.Auth == AuthMode.File && users.Count == 0)
        {
            throw new PyctdException(ExitCode.Failure, $"{settings.UsersPath} has no users: add one with 'pyctd passwd add USER'");
        }

        GarbageBudget.Ensure();
        return ServeHost.Run(settings, users, GlobalOptions.IsVerbose(result));
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

        string users = (Given(result, Users) ? result.GetValue(Users) : config.Text("users")) ?? UsersFile.DefaultPath;
        string? authText = Given(result, Auth) ? result.GetValue(Auth) : config.Text("auth");
        AuthMode auth = authText switch
        {
            "none" => AuthMode.None,
            "file" => AuthMode.File,
            // A users file we cannot even see (a directory we may not enter) must not mean "no users, no passwords".
            null => Interop.FileTypes.MayExist(users) ? AuthMode.File : AuthMode.None,
            _ => throw new PyctdException(ExitCode.Usage, $"{config.Path}: auth: '{authText}' is not an auth mode (none or file)"),
        };

        var settings = new ServeSettings
        {
            Listen = listen.Count > 0 ? listen : new ServeSettings().Listen,
            TlsCertificate = certificate,
            TlsKey = key,
            Auth = auth,
            UsersPath = users,
            ReadOnly = Given(result, ReadOnly) ? result.GetValue(ReadOnly) : config.Flag("read-only") ?? false,
            SessionTimeout = TimeSpan.FromSeconds((Given(result, SessionTimeout) ? result.GetValue(SessionTimeout) : config.Integer("session-timeout", 1)) ?? 10),
            AutoRefreshSeconds = (Given(result, AutoRefresh) ? result.GetValue(AutoRefresh) : config.Integer("autorefresh", 0)) ?? 1,
            MaxRequestBytes = (Given(result, MaxRequestSize) ? result.GetValue(MaxRequestSize) : config.Integer("max-request-size", 1024)) ?? (1024 * 1024),
            MaxConnectionsPerAddress = (Given(result, MaxConnectionsPerAddress) ? result.GetValue(MaxConnectionsPerAddress) : config.Integer("max-connections-per-address", 1))
                ?? ServeSettings.DefaultMaxConnectionsPerAddress,
            AllowUnauthenticatedRemote = Given(result, AllowUnauthenticatedRemote) ? result.GetValue(AllowUnauthenticatedRemote) : config.Flag("allow-unauthenticated-remote") ?? false,
            Netns = Given(result, GlobalOptions.Netns) ? result.GetValue(GlobalOptions.Netns) : config.Text("netns"),
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
    private static bool Given(ParseResult result, Option option) => result.GetResult(option) is { Implicit: false };
}
