using System.Diagnostics;
using System.Text;

namespace Pyctd.Serve.Auth;

/// <summary>
/// --auth exec:/PATH: runs the site's program (no shell, no arguments, an empty environment,
/// working directory /) with the user name and the password on its stdin, one per line, so
/// neither shows in ps or /proc/PID/environ. Exit status 0 with nothing on stdout accepts; 0
/// with "read-only" accepts for a read-only session; anything else refuses. A program that has
/// not exited within <see cref="Timeout"/> is killed with its children, and refused. Its answer is
/// what it wrote before it exited: a background child it left holding stdout open does not keep the
/// login waiting (that child is the site's to end; systemd's control group ends it with serve). At most
/// <see cref="MaxRunning"/> run at once, so a burst of logins cannot fork without bound; a login
/// waits up to <see cref="Timeout"/> for a free slot.
/// </summary>
internal sealed class ExecAuthenticator : IAuthenticator, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    public const int MaxRunning = 4;
    public const string ReadOnlyAnswer = "read-only";

    /// <summary>More than any answer needs; a program writing more is refused.</summary>
    private const int MaxOutputChars = 4096;

    private readonly SemaphoreSlim _running = new(MaxRunning);
    private readonly string _path;

    public ExecAuthenticator(string path)
    {
        if (!File.Exists(path) || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            throw new PyctdException(ExitCode.Failure, $"auth exec:{path}: not an executable file");
        }

        _path = path;
    }

    public string Description => $"exec {_path} (at most {MaxRunning} at once, {Timeout.TotalSeconds:0} s each)";

    public async Task<AuthOutcome> CheckAsync(string user, string password, string client)
    {
        if (password.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
        {
            // It would end the password's line early and start another.
            return AuthOutcome.Refused("the password holds a line break or NUL");
        }

        if (!await _running.WaitAsync(Timeout))
        {
            return AuthOutcome.Refused($"{MaxRunning} checks already running for {Timeout.TotalSeconds:0} s");
        }

        try
        {
            return await RunAsync(user, password);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<AuthOutcome> RunAsync(string user, string password)
    {
        var start = new ProcessStartInfo(_path)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = "/",
        };
        start.Environment.Clear();

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return AuthOutcome.Refused($"exec: cannot run {_path}: {error.Message}");
        }

        using (process)
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            using var output = new CappedOutput(process.StandardOutput, deadline.Token);
            try
            {
                try
                {
                    await process.StandardInput.WriteAsync($"{user}\n{password}\n".AsMemory(), deadline.Token);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The program exited without reading its input: its status still decides.
                }

                await process.WaitForExitAsync(deadline.Token);
                string answer = (await output.AfterExitAsync()).Trim();
                return process.ExitCode != 0 ? AuthOutcome.Refused($"exec: exit status {process.ExitCode}")
                    : answer.Length == 0 ? AuthOutcome.ReadWrite
                    : answer == ReadOnlyAnswer ? new AuthOutcome(true, true, string.Empty)
                    : AuthOutcome.Refused("exec: exit status 0 but unexpected output");
            }
            catch (OperationCanceledException)
            {
                await KillTreeAsync(process);
                return AuthOutcome.Refused($"exec: no answer within {Timeout.TotalSeconds:0} s, killed");
            }
        }
    }

    public void Dispose() => _running.Dispose();

    /// <summary>
    /// The program's stdout, read as it comes, up to <see cref="MaxOutputChars"/>. Once the program
    /// has exited, everything it wrote is already in the pipe: end of file normally follows at once,
    /// and when it does not (a background child holds the pipe), what was read is the answer.
    /// </summary>
    private sealed class CappedOutput : IDisposable
    {
        private static readonly TimeSpan s_drainAfterExit = TimeSpan.FromMilliseconds(250);

        private readonly char[] _buffer = new char[MaxOutputChars + 1];
        private readonly CancellationTokenSource _stop;
        private readonly Task _reading;
        private int _filled;

        public CappedOutput(StreamReader reader, CancellationToken deadline)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(deadline);
            _reading = ReadAsync(reader, _stop.Token);
        }

        public async Task<string> AfterExitAsync()
        {
            _stop.CancelAfter(s_drainAfterExit);
            try
            {
                await _reading;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Still open after the exit: a child holds it. The reading has stopped; take what came.
            }

            return _filled > MaxOutputChars ? "(too much output)" : new string(_buffer, 0, _filled);
        }

        private async Task ReadAsync(StreamReader reader, CancellationToken stop)
        {
            while (_filled < _buffer.Length)
            {
                int read = await reader.ReadAsync(_buffer.AsMemory(_filled), stop);
                if (read == 0)
                {
                    return;
                }

                _filled += read;
            }
        }

        public void Dispose() => _stop.Dispose();
    }

    /// <summary>Kills the program and its children, and gives it a second to be reaped, without holding a thread meanwhile.</summary>
    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await process.WaitForExitAsync(reaped.Token);
        }
        catch (Exception error) when (error is InvalidOperationException or OperationCanceledException)
        {
            // It has just exited, or has not been reaped within the second: the refusal stands either way.
        }
    }
}
