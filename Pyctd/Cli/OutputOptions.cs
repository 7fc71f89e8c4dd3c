using System.CommandLine;
using Pyctd.Output;

namespace Pyctd.Cli;

internal enum OutputFormat
{
    Table,
    Conntrack,
    Json,
    Jsonl,
}

/// <summary>-o/--output, shared by list and by the --dry-run of kill, mark and timeout.</summary>
internal static class OutputOptions
{
    public static readonly Option<OutputFormat?> Format = new("--output", "-o")
    {
        Description = "table (default: aligned, 80 columns), conntrack (exactly as 'conntrack -L'), json (one array), jsonl (one object per line)",
        HelpName = "table|conntrack|json|jsonl",
        CustomParser = result =>
        {
            string text = result.Tokens[^1].Value;
            if (ValueParsers.TryParseName(text, out OutputFormat format))
            {
                return format;
            }

            result.AddError($"'{text}' is not an output format (table, conntrack, json or jsonl)");
            return null;
        },
    };

    /// <summary>-o/--output for a command that writes only some of the formats (stats, top).</summary>
    public static Option<OutputFormat?> Of(string command, string description, params OutputFormat[] formats)
    {
        string names = string.Join('|', formats.Select(static f => f.ToString().ToLowerInvariant()));
        return new Option<OutputFormat?>("--output", "-o")
        {
            Description = description,
            HelpName = names,
            CustomParser = result =>
            {
                string text = result.Tokens[^1].Value;
                if (ValueParsers.TryParseName(text, out OutputFormat format) && formats.Contains(format))
                {
                    return format;
                }

                result.AddError($"'{text}' is not an output format of {command} ({string.Join(", ", formats.Select(static f => f.ToString().ToLowerInvariant()))})");
                return null;
            },
        };
    }

    public static IRecordWriter CreateWriter(OutputFormat format, OutputBuffer output, bool header) => format switch
    {
        OutputFormat.Conntrack => new ConntrackWriter(output),
        OutputFormat.Json => new JsonWriter(output, lines: false),
        OutputFormat.Jsonl => new JsonWriter(output, lines: true),
        _ => new TableWriter(output, header),
    };
}
