using System.Globalization;
using System.Text;
using Pyctd.Conntrack;

namespace Pyctd.Output;

/// <summary>`pyctd stats` in its three formats: conntrack -S's lines byte for byte, a table, or one JSON object.</summary>
internal static class StatisticsWriter
{
    /// <summary>
    /// Exactly what `conntrack -S` prints: "cpu=%-4u\t", then each counter the kernel sent as
    /// "name=%u " in attribute order, then a newline.
    /// </summary>
    public static string Conntrack(ConntrackStatistics statistics)
    {
        var text = new StringBuilder();
        foreach (CpuStatistics cpu in statistics.Cpus)
        {
            text.Append(CultureInfo.InvariantCulture, $"cpu={cpu.Cpu,-4}\t");
            for (int i = 1; i < cpu.Counters.Length; i++)
            {
                if (cpu.Counters[i] is uint value)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{CtaStats.CpuCounterNames[i]}={value} ");
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The table's state and limits, then one line per CPU and the totals, counters as columns.</summary>
    public static string Table(ConntrackStatistics statistics)
    {
        var text = new StringBuilder();
        Line(text, "entries", Number(statistics.Entries));
        Line(text, "max", Number(statistics.MaxEntries));
        Line(text, "fill", statistics.MaxEntries > 0 ? (statistics.FillRatio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-");
        Line(text, "buckets", Number(statistics.Buckets));
        Line(text, "expectations", Number(statistics.Expectations));
        Line(text, "expect_max", Number(statistics.ExpectationMax));
        Line(text, "accounting", Switch(statistics.Accounting));
        Line(text, "timestamps", Switch(statistics.Timestamps));
        Line(text, "events", Switch(statistics.Events));

        ulong?[] totals = statistics.Totals();
        int[] columns = PresentCounters(totals);
        text.Append('\n').Append("CPU  ");
        foreach (int column in columns)
        {
            string name = CtaStats.CpuCounterNames[column];
            text.Append(' ').Append(name.PadLeft(Math.Max(name.Length, 10)));
        }

        text.Append('\n');
        foreach (CpuStatistics cpu in statistics.Cpus)
        {
            Row(text, cpu.Cpu.ToString(CultureInfo.InvariantCulture), columns, i => cpu.Counters[i]);
        }

        Row(text, "all", columns, i => totals[i]);
        return text.ToString();
    }

    /// <summary>One object: the table's figures, each CPU's counters, and their totals.</summary>
    public static string Json(ConntrackStatistics statistics)
    {
        var json = new StringBuilder("{");
        json.Append(CultureInfo.InvariantCulture, $"\"entries\":{statistics.Entries},\"max\":{statistics.MaxEntries},");
        json.Append("\"fill_ratio\":").Append(statistics.FillRatio.ToString("0.######", CultureInfo.InvariantCulture)).Append(',');
        json.Append(CultureInfo.InvariantCulture, $"\"buckets\":{Nullable(statistics.Buckets)},\"expectations\":{statistics.Expectations},\"expect_max\":{Nullable(statistics.ExpectationMax)},");
        json.Append(CultureInfo.InvariantCulture, $"\"accounting\":{Boolean(statistics.Accounting)},\"timestamps\":{Boolean(statistics.Timestamps)},\"events\":{Boolean(statistics.Events)},");
        json.Append("\"cpus\":[");
        for (int c = 0; c < statistics.Cpus.Count; c++)
        {
            CpuStatistics cpu = statistics.Cpus[c];
            json.Append(c == 0 ? "{" : ",{").Append(CultureInfo.InvariantCulture, $"\"cpu\":{cpu.Cpu}");
            Counters(json, i => cpu.Counters[i]);
            json.Append('}');
        }

        ulong?[] totals = statistics.Totals();
        json.Append("],\"total\":{");
        int length = json.Length;
        Counters(json, i => totals[i]);
        if (json.Length > length)
        {
            json.Remove(length, 1); // the first counter's comma
        }

        return json.Append("}}\n").ToString();
    }

    private static void Counters(StringBuilder json, Func<int, ulong?> value)
    {
        for (int i = 1; i < CtaStats.CpuCounterNames.Length; i++)
        {
            if (value(i) is ulong number)
            {
                json.Append(CultureInfo.InvariantCulture, $",\"{CtaStats.CpuCounterNames[i]}\":{number}");
            }
        }
    }

    /// <summary>The counters some CPU reported (index 0 is the kernel's unused attribute number).</summary>
    private static int[] PresentCounters(ulong?[] totals) =>
        Enumerable.Range(1, totals.Length - 1).Where(i => totals[i] is not null).ToArray();

    private static void Row(StringBuilder text, string cpu, int[] columns, Func<int, ulong?> value)
    {
        text.Append(cpu.PadRight(5));
        foreach (int column in columns)
        {
            string number = value(column)?.ToString(CultureInfo.InvariantCulture) ?? "-";
            text.Append(' ').Append(number.PadLeft(Math.Max(CtaStats.CpuCounterNames[column].Length, 10)));
        }

        text.Append('\n');
    }

    private static void Line(StringBuilder text, string name, string value) => text.Append(name.PadRight(14)).Append(value).Append('\n');

    private static string Number(long value) => value < 0 ? "-" : value.ToString(CultureInfo.InvariantCulture);

    private static string Nullable(long value) => value < 0 ? "null" : value.ToString(CultureInfo.InvariantCulture);

    private static string Switch(long value) => value switch
    {
        < 0 => "-",
        0 => "off",
        _ => "on",
    };

    private static string Boolean(long value) => value switch
    {
        < 0 => "null",
        0 => "false",
        _ => "true",
    };
}
