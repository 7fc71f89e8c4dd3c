using System.CommandLine;
using System.Globalization;
using Pyctd.Conntrack;

namespace Pyctd.Cli;

/// <summary>The output of `pyctd events`: a format, and for `conntrack` whether lines start with the time.</summary>
internal readonly record struct EventOutput(OutputFormat Format, bool TimePrefix);

/// <summary>The options of `pyctd events` besides the shared filters.</summary>
internal static class EventOptions
{
    /// <summary>Several MiB: a burst of tens of thousands of events fits while pyctd writes (the kernel doubles it).</summary>
    public const int DefaultBufferBytes = 8 * 1024 * 1024;

    public static readonly Option<ConntrackEventTypes?> Events = new("--event", "-e", "--event-mask")
    {
        Description = "Event types to show, comma-separated: NEW, UPDATE, DESTROY or ALL (default: ALL)",
        HelpName = "TYPE[,TYPE...]",
        CustomParser = result =>
        {
            var types = ConntrackEventTypes.None;
            foreach (string word in result.Tokens.SelectMany(static t => t.Value.Split(',')))
            {
                ConntrackEventTypes? type = word.Trim().ToUpperInvariant() switch
                {
                    "NEW" => ConntrackEventTypes.New,
                    "UPDATE" or "UPDATES" => ConntrackEventTypes.Update,
                    "DESTROY" => ConntrackEventTypes.Destroy,
                    "ALL" => ConntrackEventTypes.All,
                    _ => null,
                };
                if (type is null)
                {
                    result.AddError($"'{word}' is not an event type (NEW, UPDATE, DESTROY or ALL)");
                    return null;
                }

                types |= type.Value;
            }

            return types;
        },
    };

    public static readonly Option<EventOutput?> Output = new("--output", "-o")
    {
        Description = "table (default), conntrack (exactly as 'conntrack -E'; conntrack,timestamp as 'conntrack -E -o timestamp'), json (one array), jsonl (one object per line)",
        HelpName = "table|conntrack[,timestamp]|json|jsonl",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            string[] parts = text.Split(',');
            bool timestamp = parts.Length == 2 && parts[1].Equals("timestamp", StringComparison.OrdinalIgnoreCase);
            if (parts.Length > 2 || (parts.Length == 2 && !timestamp)
                || !ValueParsers.TryParseName(parts[0], out OutputFormat format))
            {
                result.AddError($"'{text}' is not an output format (table, conntrack, conntrack,timestamp, json or jsonl)");
                return null;
            }

            if (timestamp && format != OutputFormat.Conntrack)
            {
                result.AddError($"'{text}': the timestamp prefix is for -o conntrack (json and jsonl carry \"time\")");
                return null;
            }

            return new EventOutput(format, timestamp);
        },
    };

    public static readonly Option<long?> Count = new("--count")
    {
        Description = "Stop after N events (those the filters let through)",
        HelpName = "N",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count > 0)
            {
                return count;
            }

            result.AddError($"--count: '{text}' is not a positive number");
            return null;
        },
    };

    public static readonly Option<TimeSpan?> Timeout = new("--timeout")
    {
        Description = "Stop after SECONDS (decimals allowed)",
        HelpName = "SECONDS",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= int.MaxValue / 1000)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            result.AddError($"--timeout: '{text}' is not a number of seconds (greater than 0)");
            return null;
        },
    };

    public static readonly Option<int?> BufferSize = new("--buffer-size", "-b")
    {
        Description = $"Socket receive buffer in bytes, or with K, M or G (default {DefaultBufferBytes / (1024 * 1024)}M; the kernel doubles it)",
        HelpName = "BYTES",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (TryParseBytes(text, out int bytes))
            {
                return bytes;
            }

            result.AddError($"--buffer-size: '{text}' is not a size from 1K to 1G (BYTES, or a number with K, M or G)");
            return null;
        },
    };

    public static readonly Option<bool> Strict = new("--strict")
    {
        Description = "Exit with status 1 at the first buffer overrun instead of reporting it and going on",
    };

    public static readonly Option<bool> Flows = new("--flows")
    {
        Description = "Flow records: DESTROY events only, each with start, end, duration and final counters (needs nf_conntrack_acct=1 and nf_conntrack_timestamp=1)",
    };

    public static IEnumerable<Option> All => [Events, Output, Count, Timeout, BufferSize, Strict, Flows];

    /// <summary>"65536", "256K", "8M", "1G" (binary units); at least 1 KiB (the kernel raises it to its minimum), at most 1 GiB (half of what SO_RCVBUF can hold).</summary>
    public static bool TryParseBytes(string text, out int bytes)
    {
        bytes = 0;
        long unit = text.Length == 0 ? 1 : char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024,
            'M' => 1024 * 1024,
            'G' => 1024 * 1024 * 1024,
            _ => 1,
        };
        string digits = unit == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > int.MaxValue)
        {
            return false;
        }

        long total = value * unit;
        if (total is < 1024 or > 1024 * 1024 * 1024)
        {
            return false;
        }

        bytes = (int)total;
        return true;
    }
}
