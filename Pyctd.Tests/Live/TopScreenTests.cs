using System.Diagnostics;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Live;

/// <summary>
/// `top --watch` in a real terminal: tmux runs it in a detached session of a known size, the test
/// reads the screen (capture-pane) and presses keys (send-keys), and checks the terminal is given
/// back as it was, by q and by Ctrl-C alike.
/// </summary>
[Collection(LiveLabCollection.Name)]
public sealed class TopScreenTests(SharedLab shared) : IDisposable
{
    private readonly LabNamespace _lab = shared.Lab;
    private readonly string _socket = $"pyctd-top-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [Fact]
    public void Watch_KeysChangeSortAndGrouping_QuitRestoresTheScreen()
    {
        Start();
        string screen = WaitForScreen(static s => s.Contains("by proto", StringComparison.Ordinal));
        Assert.Contains("sort connections", screen, StringComparison.Ordinal);
        Assert.Contains("KEY ", screen, StringComparison.Ordinal);
        Assert.Contains("tcp", screen, StringComparison.Ordinal);

        Tmux("send-keys", "-t", "top", "s");
        WaitForScreen(static s => s.Contains("sort packets", StringComparison.Ordinal));
        Tmux("send-keys", "-t", "top", "b");
        screen = WaitForScreen(static s => s.Contains("by state", StringComparison.Ordinal));
        Assert.Contains("ESTABLISHED", screen, StringComparison.Ordinal);

        Tmux("resize-window", "-t", "top", "-x", "50", "-y", "8");
        screen = WaitForScreen(static s => s.Split('\n').Length <= 9);
        Assert.All(screen.Split('\n'), static line => Assert.True(line.Length <= 50, line));

        Tmux("send-keys", "-t", "top", "q");
        screen = WaitForScreen(static s => s.Contains("EXITED 0", StringComparison.Ordinal));
        Assert.DoesNotContain("KEY ", screen, StringComparison.Ordinal); // the alternate screen is gone: the shell's screen is back
        AssertTerminalRestored();
    }

    [Fact]
    public void Watch_CtrlC_ExitsCleanlyAndRestoresTheScreen()
    {
        Start();
        WaitForScreen(static s => s.Contains("by proto", StringComparison.Ordinal));
        Tmux("send-keys", "-t", "top", "C-c");
        string screen = WaitForScreen(static s => s.Contains("EXITED", StringComparison.Ordinal));
        Assert.Contains("EXITED 0", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("KEY ", screen, StringComparison.Ordinal);
        AssertTerminalRestored();
    }

    /// <summary>The normal screen is back and the cursor shows.</summary>
    private void AssertTerminalRestored()
    {
        Assert.Equal("0", Tmux("display-message", "-p", "-t", "top", "#{alternate_on}").Stdout.Trim());
        Assert.Equal("1", Tmux("display-message", "-p", "-t", "top", "#{cursor_flag}").Stdout.Trim());
    }

    private void Start()
    {
        string command = $"{Repository.PyctdBinary} top --netns {_lab.Name} --by proto -i 0.3 --watch; echo EXITED $?; sleep 60";
        ProcessResult started = Tmux("new-session", "-d", "-s", "top", "-x", "100", "-y", "30", command);
        Assert.True(started.ExitCode == 0, started.Stderr);
    }

    private string WaitForScreen(Func<string, bool> ready)
    {
        var deadline = Stopwatch.StartNew();
        string screen = string.Empty;
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            screen = Tmux("capture-pane", "-p", "-t", "top").Stdout.TrimEnd();
            if (ready(screen))
            {
                return screen;
            }

            Thread.Sleep(100);
        }

        Assert.Fail($"the screen never got there; it shows:\n{screen}");
        return screen;
    }

    private ProcessResult Tmux(params string[] arguments) => ProcessRunner.Run("tmux", ["-L", _socket, .. arguments], null, TimeSpan.FromSeconds(10));

    public void Dispose() => Tmux("kill-server");
}
