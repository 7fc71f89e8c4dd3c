using System.Globalization;

namespace Pyctd.Tests.Support;

/// <summary>
/// A corpus file (Pyctd.Tests/Conntrack/Corpus/*.hex): hex bytes separated by white space, '#'
/// comments to the end of the line, and one "# expect: key=value ..." line.
/// </summary>
internal static class CorpusFile
{
    private const string ExpectPrefix = "# expect:";

    public static (byte[] Bytes, Dictionary<string, string> Expected) Read(string path)
    {
        var bytes = new List<byte>();
        var expected = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(ExpectPrefix, StringComparison.Ordinal))
            {
                foreach (string pair in line[ExpectPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    string[] parts = pair.Split('=', 2);
                    expected.Add(parts[0], parts[1]);
                }
            }

            int comment = line.IndexOf('#', StringComparison.Ordinal);
            string data = comment < 0 ? line : line[..comment];
            foreach (string token in data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                bytes.Add(byte.Parse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
        }

        return ([.. bytes], expected);
    }
}
