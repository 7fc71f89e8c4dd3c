using System.Text;

namespace Pyctd.Serve.Auth;

/// <summary>One account: who, its password hash, and whether it may only read.</summary>
internal sealed record User(string Name, string Hash, bool ReadOnly, bool LegacyHash);

/// <summary>
/// The users file (default /etc/pyctd/users): one account per line, "NAME:rw|ro:HASH", '#' comments.
/// Lines from the original's auth_sha.py ("NAME:HEXDIGEST") are read too, with a warning. Written
/// atomically (temp file, rename) with mode 0600; every bad line is named with its number.
/// </summary>
internal static class UsersFile
{
    public const string DefaultPath = "/etc/pyctd/users";

    public static IReadOnlyList<User> Load(string path, Action<string>? warn = null)
    {
        if (!Interop.FileTypes.MayExist(path))
        {
            throw new PyctdException(ExitCode.Failure, $"users file {path} does not exist (create it with 'pyctd passwd add USER')");
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            string hint = error is UnauthorizedAccessException ? $" (serve as user pyctd reads it through its group: chgrp {ServiceGroup} {path}; chmod 0640 {path})" : string.Empty;
            throw new PyctdException(ExitCode.Failure, $"cannot read the users file {path}: {error.Message}{hint}");
        }

        var users = new List<User>();
        int number = 0;
        foreach (string raw in lines)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            users.Add(Parse(line, path, number, warn));
        }

        var duplicate = users.GroupBy(static u => u.Name).FirstOrDefault(static g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new PyctdException(ExitCode.Failure, $"{path}: user '{duplicate.Key}' appears more than once");
        }

        return users;
    }

    private static User Parse(string line, string path, int number, Action<string>? warn)
    {
        string[] parts = line.Split(':');
        string name = parts[0];
        if (!IsValidName(name))
        {
            throw new PyctdException(ExitCode.Failure, $"{path}:{number}: '{name}' is not a valid user name (letters, digits, . _ - @)");
        }

        if (parts.Length == 2 && PasswordHash.IsValid(parts[1], out bool legacy) && legacy)
        {
            warn?.Invoke($"{path}:{number}: user '{name}' has an unsalted SHA hash from auth_sha.py; accepted, but set a new password with 'pyctd passwd add {name}'");
            return new User(name, parts[1], ReadOnly: false, LegacyHash: true);
        }

        if (parts.Length != 3 || parts[1] is not ("rw" or "ro") || !PasswordHash.IsValid(parts[2], out _))
        {
            throw new PyctdException(ExitCode.Failure, $"{path}:{number}: expected NAME:rw|ro:{PasswordHash.Scheme}$ITERATIONS$SALT$HASH");
        }

        return new User(name, parts[2], parts[1] == "ro", LegacyHash: false);
    }

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    public static IReadOnlyList<User> LoadOrEmpty(string path) => File.Exists(path) ? Load(path) : [];

    /// <summary>The group that pyctd.service runs serve as; it reads the users file through its group.</summary>
    public const string ServiceGroup = "pyctd";

    /// <summary>
    /// Replaces the file in one rename, so a crash never leaves half a file. A new file is mode
    /// 0640, owner root and group pyctd, where that group exists (so the service, which runs as
    /// pyctd, reads the file as it is now and sees every change), else 0600; a file replaced keeps
    /// its owner, group and mode.
    /// </summary>
    public static void Save(string path, IEnumerable<User> users)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var text = new StringBuilder("# pyctd users: NAME:rw|ro:HASH — manage with 'pyctd passwd'\n");
        foreach (User user in users)
        {
            text.Append(user.LegacyHash ? $"{user.Name}:{user.Hash}\n" : $"{user.Name}:{(user.ReadOnly ? "ro" : "rw")}:{user.Hash}\n");
        }

        (uint Owner, uint Group)? owner = Interop.FileOwnership.OwnerOf(path);
        UnixFileMode mode;
        if (owner is not null)
        {
            mode = File.GetUnixFileMode(path);
        }
        else if (Interop.FileOwnership.GroupId(ServiceGroup) is uint group)
        {
            (owner, mode) = ((0, group), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
        else
        {
            mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                // Owner and group first, then the mode: no moment when others may read the hashes.
                if (owner is (uint uid, uint gid) && Environment.IsPrivilegedProcess)
                {
                    Interop.FileOwnership.Chown(stream.SafeFileHandle, uid, gid, path);
                }

                File.SetUnixFileMode(stream.SafeFileHandle, mode);
                stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
