using System.Globalization;
using Pyctd.Interop;

namespace Pyctd.Conntrack;

/// <summary>
/// Names the program behind a netlink port id, as conntrack -E does for its "[USERSPACE] portid=N
/// progname=NAME": the port's socket inode from the namespace's /proc/net/netlink, the process
/// holding that socket (the one whose pid is the port id first, since most programs bind their pid,
/// then every process), and its name from /proc/PID/stat. The answer is a race with the program,
/// which may have exited; null when it has. The last answer is kept, as conntrack keeps it.
/// </summary>
internal sealed class NetlinkPortOwners : IDisposable
{
    private const string NetlinkNetfilter = "12";

    private readonly FileStream? _sockets;
    private uint _lastPort;
    private string? _lastInode;
    private string? _lastName;

    /// <summary>Opens the socket list of <paramref name="netns"/>'s namespace; /proc/net answers for the namespace it was opened in.</summary>
    public NetlinkPortOwners(string? netns)
    {
        try
        {
            _sockets = NetworkNamespace.Enter(netns, static () =>
                new FileStream("/proc/thread-self/net/netlink", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0));
        }
        catch (IOException)
        {
            _sockets = null; // no /proc: events are shown without program names
        }
    }

    public string? NameOf(uint portId)
    {
        if (_sockets is null || InodeOf(portId) is not string inode)
        {
            return null;
        }

        if (portId == _lastPort && inode == _lastInode)
        {
            return _lastName;
        }

        (_lastPort, _lastInode, _lastName) = (portId, inode, FindOwner(portId, inode));
        return _lastName;
    }

    /// <summary>The inode of the NETLINK_NETFILTER socket bound to <paramref name="portId"/>, from the columns "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode".</summary>
    private string? InodeOf(uint portId)
    {
        _sockets!.Seek(0, SeekOrigin.Begin);
        using var reader = new StreamReader(_sockets, leaveOpen: true);
        string port = portId.ToString(CultureInfo.InvariantCulture);
        while (reader.ReadLine() is string line)
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10 && fields[1] == NetlinkNetfilter && fields[2] == port)
            {
                return fields[9];
            }
        }

        return null;
    }

    private static string? FindOwner(uint portId, string inode)
    {
        string socket = $"socket:[{inode}]";
        string portPid = portId <= int.MaxValue ? portId.ToString(CultureInfo.InvariantCulture) : string.Empty;
        if (portPid.Length > 0 && HoldsSocket(portPid, socket))
        {
            return ProcessName(portPid);
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            string pid = Path.GetFileName(directory);
            if (pid.Length > 0 && pid.All(char.IsAsciiDigit) && pid != "1" && pid != portPid && HoldsSocket(pid, socket))
            {
                return ProcessName(pid);
            }
        }

        return null;
    }

    private static bool HoldsSocket(string pid, string socket)
    {
        try
        {
            foreach (string descriptor in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget == socket)
                {
                    return true;
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The process ended, or keeps its descriptors to itself.
        }

        return false;
    }

    /// <summary>The name in "PID (NAME) STATE ...", up to the first ')', as conntrack's fscanf("%*u (%m[^)]") reads it.</summary>
    private static string? ProcessName(string pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int open = stat.IndexOf('(', StringComparison.Ordinal);
            int close = open < 0 ? -1 : stat.IndexOf(')', open + 1);
            return close > open + 1 ? stat[(open + 1)..close] : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _sockets?.Dispose();
}
