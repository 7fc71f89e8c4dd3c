using System.Globalization;
using System.Net;

namespace Pyctd.Serve;

/// <summary>One --listen value: "127.0.0.1:8123", "[::1]:8123", "0.0.0.0:8123", "[::]:8123" or "unix:/run/pyctd.sock".</summary>
internal sealed record ListenAddress(IPAddress? Address, int Port, string? UnixSocketPath)
{
    public bool IsLoopback => UnixSocketPath is not null || (Address is not null && IPAddress.IsLoopback(Address));

    public static ListenAddress Parse(string text) =>
        TryParse(text, out ListenAddress? address, out string? error) ? address! : throw new FormatException(error);

    public static bool TryParse(string text, out ListenAddress? address, out string? error)
    {
        address = null;
        error = null;
        if (text.StartsWith("unix:", StringComparison.Ordinal))
        {
            string path = text[5..];
            if (!path.StartsWith('/'))
            {
                error = $"'{text}': a unix socket needs an absolute path, e.g. unix:/run/pyctd/pyctd.sock";
                return false;
            }

            address = new ListenAddress(null, 0, path);
            return true;
        }

        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            error = $"'{text}' is not ADDRESS:PORT, [IPV6]:PORT or unix:/PATH";
            return false;
        }

        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            error = $"'{text}': write IPv6 addresses in brackets, e.g. [::1]:{port}";
            return false;
        }

        if (!IPAddress.TryParse(host, out IPAddress? ip) || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Split('.').Length != 4))
        {
            error = $"'{text}': '{host}' is not an IP address";
            return false;
        }

        address = new ListenAddress(ip, port, null);
        return true;
    }

    public override string ToString() => UnixSocketPath is not null
        ? $"unix:{UnixSocketPath}"
        : Address!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
