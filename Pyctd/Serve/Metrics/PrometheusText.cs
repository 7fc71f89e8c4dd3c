using System.Globalization;
using System.Text;

namespace Pyctd.Serve.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: each family's HELP and TYPE once,
/// then its samples, label values escaped (\\, \", \n) and numbers in the invariant culture.
/// </summary>
internal sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(16 * 1024);

    public void Family(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
            .Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        Name(name, labels);
        _text.Append(Number(value)).Append('\n');
    }

    public void Sample(string name, ulong value, params (string Name, string Value)[] labels)
    {
        Name(name, labels);
        _text.Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>A family of one sample.</summary>
    public void Single(string name, string type, string help, double value)
    {
        Family(name, type, help);
        Sample(name, value);
    }

    public override string ToString() => _text.ToString();

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private void Name(string name, (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                _text.Append(i == 0 ? string.Empty : ",").Append(labels[i].Name).Append("=\"");
                foreach (char c in labels[i].Value)
                {
                    _ = c switch
                    {
                        '\\' => _text.Append("\\\\"),
                        '"' => _text.Append("\\\""),
                        '\n' => _text.Append("\\n"),
                        _ => _text.Append(c),
                    };
                }

                _text.Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ');
    }
}
