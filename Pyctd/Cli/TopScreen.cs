using System.Text;
using Pyctd.Domain.Query;
using Pyctd.Output;

namespace Pyctd.Cli;

/// <summary>
/// `top --watch` on a terminal: the alternate screen, redrawn in place every interval (each frame
/// one write that starts at the top left and erases what the last one left, so nothing flickers),
/// keys read while waiting, a resize redrawn at once, and the terminal as it was on the way out,
/// whether by q, Ctrl-C, SIGTERM or an error.
/// </summary>
internal static class TopScreen
{
    private const string EnterScreen = "\u001b[?1049h\u001b[?25l"; // alternate screen, cursor hidden
    private const string LeaveScreen = "\u001b[?25h\u001b[?1049l";
    private const string Home = "\u001b[H";
    private const string ClearBelow = "\u001b[J";

    private static readonly string[] s_keys = ["src", "dst", "sport", "dport", "proto", "state", "mark", "zone", "src/24", "dst/24"];
    private static readonly GroupMetric[] s_orders = Enum.GetValues<GroupMetric>();

    private const string KeysHelp = "q quit  s sort  b group by  r reverse";

    public static ExitCode Run(TopReader reader, Stream stdout, CancellationToken stopping)
    {
        Write(stdout, EnterScreen);
        try
        {
            reader.ReadNext(); // counts at once; rates from the next frame on
            while (true)
            {
                Draw(reader, stdout);
                var dueAt = DateTime.UtcNow + reader.Settings.Interval;
                (int Width, int Height) size = Size();
                while (DateTime.UtcNow < dueAt)
                {
                    if (stopping.WaitHandle.WaitOne(50))
                    {
                        return ExitCode.Success;
                    }

                    if (Console.KeyAvailable)
                    {
                        char key = char.ToLowerInvariant(Console.ReadKey(intercept: true).KeyChar);
                        if (key == 'q')
                        {
                            return ExitCode.Success;
                        }

                        if (Handle(reader, key))
                        {
                            Draw(reader, stdout);
                        }
                    }

                    if (Size() != size)
                    {
                        size = Size();
                        Draw(reader, stdout);
                    }
                }

                reader.ReadNext();
            }
        }
        finally
        {
            Write(stdout, LeaveScreen);
        }
    }

    /// <summary>Applies a key; true when the frame changed.</summary>
    private static bool Handle(TopReader reader, char key)
    {
        TopSettings settings = reader.Settings;
        switch (key)
        {
            case 's':
                int next = (Array.IndexOf(s_orders, settings.Order.Metric) + 1) % s_orders.Length;
                reader.Change(settings with { Order = settings.Order with { Metric = s_orders[next] } });
                return true;
            case 'r':
                reader.Change(settings with { Order = settings.Order with { Descending = !settings.Order.Descending } });
                return true;
            case 'b':
                int at = Array.IndexOf(s_keys, settings.Key.Text);
                reader.Change(settings with { Key = GroupKey.Parse(s_keys[(at + 1) % s_keys.Length]) });
                return true;
            default:
                return false;
        }
    }

    private static void Draw(TopReader reader, Stream stdout)
    {
        (int width, int height) = Size();
        using var output = new OutputBuffer(stdout);
        output.Write(Encoding.UTF8.GetBytes(Home));
        WriteLine(output, reader.Title(), width);
        WriteLine(output, reader.HasRates ? KeysHelp : KeysHelp + "  (rates after the next read)", width);
        // Title, keys, the table's header: what is left is for groups.
        reader.WriteFrame(output, OutputFormat.Table, header: true, width, rows: Math.Max(height - 4, 1), clearLines: true);
        output.Write(Encoding.UTF8.GetBytes(ClearBelow));
    }

    private static void WriteLine(OutputBuffer output, string text, int width)
    {
        output.Write(Encoding.UTF8.GetBytes(text.Length > width ? text[..width] : text));
        output.Write("\u001b[K\n"u8);
    }

    private static (int Width, int Height) Size()
    {
        try
        {
            return (Math.Max(Console.WindowWidth, 20), Math.Max(Console.WindowHeight, 5));
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }

    private static void Write(Stream stdout, string text)
    {
        stdout.Write(Encoding.UTF8.GetBytes(text));
        stdout.Flush();
    }
}
