using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Pyctd.Serve;

/// <summary>
/// How many connections serve keeps open: at most <see cref="PerAddress"/> from one client address,
/// and <see cref="Total"/> in all. Kestrel itself only counts the total, so one address that opened
/// that many idle connections locked every other client out; now it fills its own share, and the
/// total leaves room for <see cref="Total"/> / <see cref="PerAddress"/> such addresses. A connection
/// over a limit is closed before a byte of it is read.
/// </summary>
internal sealed class ConnectionLimits
{
    /// <summary>The most connections in all, whatever the descriptor limit allows.</summary>
    public const int MaxTotal = 4096;

    /// <summary>Descriptors kept free of connections: netlink sockets, namespace files, the users file, TLS files.</summary>
    public const int DescriptorHeadroom = 128;

    private static readonly TimeSpan s_reportEvery = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Action<string> _audit;
    private long _refusedSinceReport;
    private long _lastReport;

    public ConnectionLimits(int perAddress, ulong openFileLimit, Action<string> audit)
    {
        PerAddress = perAddress;
        Total = (int)Math.Clamp((long)Math.Min(openFileLimit, int.MaxValue) - DescriptorHeadroom, 16, MaxTotal);
        _audit = audit;
    }

    public int PerAddress { get; }

    /// <summary>For Kestrel's MaxConcurrentConnections: below the descriptor limit, so that a full server can still open the table.</summary>
    public int Total { get; }

    /// <summary>Kestrel connection middleware, placed before TLS: it sees every accepted connection.</summary>
    public ConnectionDelegate Limit(ConnectionDelegate next) => async connection =>
    {
        string address = AddressOf(connection.RemoteEndPoint);
        if (!TryOpen(address))
        {
            Refused(address);
            return; // Kestrel closes the socket
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Close(address);
        }
    };

    /// <summary>A client's address as the audit lines write it; IPv4 clients of a dual-stack socket as IPv4; "local" on the unix socket.</summary>
    public static string AddressOf(EndPoint? endPoint) => endPoint is IPEndPoint ip
        ? (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString()
        : "local";

    public bool TryOpen(string address)
    {
        lock (_open)
        {
            _open.TryGetValue(address, out int open);
            if (open >= PerAddress)
            {
                return false;
            }

            _open[address] = open + 1;
            return true;
        }
    }

    public void Close(string address)
    {
        lock (_open)
        {
            if (_open[address] == 1)
            {
                _open.Remove(address); // the table holds only addresses with connections open
            }
            else
            {
                _open[address]--;
            }
        }
    }

    /// <summary>One audit line a minute at most, however fast connections are refused: the log must not become the next thing to fill.</summary>
    private void Refused(string address)
    {
        Interlocked.Increment(ref _refusedSinceReport);
        long now = Stopwatch.GetTimestamp();
        long last = Interlocked.Read(ref _lastReport);
        if ((last != 0 && Stopwatch.GetElapsedTime(last, now) < s_reportEvery) || Interlocked.CompareExchange(ref _lastReport, now, last) != last)
        {
            return;
        }

        long refused = Interlocked.Exchange(ref _refusedSinceReport, 0);
        _audit($"connections refused: {refused} since the last such line; the latest from={address}, which holds its {PerAddress} (--max-connections-per-address)");
    }
}
