using System.Globalization;
using System.Net;
using Pyctd.Conntrack;
using Pyctd.Tests.Support;

namespace Pyctd.Tests.Conntrack;

/// <summary>
/// The hand-made corpus in Conntrack/Corpus/ (see its README.md): truncated headers, lengths of 0
/// and past the end, nests that overrun their parent, wrong padding, and valid messages for
/// contrast. Each file says what the readers and the parser must make of it.
/// </summary>
public sealed class MalformedMessageTests
{
    private static readonly string s_corpus = Path.Combine(Repository.Root, "Pyctd.Tests", "Conntrack", "Corpus");

    public static TheoryData<string> Cases() => new(Directory.GetFiles(s_corpus, "*.hex").Select(Path.GetFileNameWithoutExtension).Order()!);

    [Theory]
    [MemberData(nameof(Cases))]
    public void CorpusCase_ReadersAndParser_DoWhatTheFileExpects(string name)
    {
        (byte[] datagram, Dictionary<string, string> expected) = CorpusFile.Read(Path.Combine(s_corpus, name + ".hex"));
        DatagramReport report = DatagramWalk.Walk(datagram);
        foreach ((string key, string value) in expected)
        {
            Assert.True(value == Actual(report, key), $"{name}: expected {key}={value}, got {key}={Actual(report, key)}");
        }
    }

    [Fact]
    public void Corpus_CoversEveryKindOfDamage_AndValidMessages()
    {
        var expectations = Directory.GetFiles(s_corpus, "*.hex").Select(static file => CorpusFile.Read(file).Expected).ToArray();
        Assert.True(expectations.Length >= 30, $"only {expectations.Length} corpus files");
        Assert.All(expectations, static expected => Assert.NotEmpty(expected));
        Assert.Contains(expectations, static e => e.GetValueOrDefault("datagram") == "malformed");
        Assert.Contains(expectations, static e => e.GetValueOrDefault("attributes") == "malformed");
        Assert.Contains(expectations, static e => e.GetValueOrDefault("nests") == "malformed");
        Assert.Contains(expectations, static e => e.GetValueOrDefault("attributes") == "ok" && e.GetValueOrDefault("nests") == "ok" && e.ContainsKey("src"));
    }

    /// <summary>The report's value for one expectation key, in the corpus files' spelling.</summary>
    private static string Actual(DatagramReport report, string key)
    {
        ConntrackRecord record = report.Record;
        return key switch
        {
            "messages" => report.Messages.ToString(CultureInfo.InvariantCulture),
            "datagram" => OkOrMalformed(report.DatagramMalformed),
            "errno" => report.FirstErrno?.ToString(CultureInfo.InvariantCulture) ?? "none",
            "parsed" => report.Parsed ? "yes" : "no",
            "attributes" => report.Parsed ? OkOrMalformed(report.AttributesMalformed) : "not parsed",
            "nests" => report.Parsed ? OkOrMalformed(report.NestsMalformed) : "not parsed",
            "id" => Optional(record, RecordFields.Id, record.Id),
            "mark" => Optional(record, RecordFields.Mark, record.Mark),
            "zone" => Optional(record, RecordFields.Zone, record.Zone),
            "protocol" => record.Protocol.ToString(CultureInfo.InvariantCulture),
            "sport" => record.Original.SourcePort.ToString(CultureInfo.InvariantCulture),
            "dport" => record.Original.DestinationPort.ToString(CultureInfo.InvariantCulture),
            "src" => Address(record, record.Original.Source),
            "dst" => Address(record, record.Original.Destination),
            _ => throw new InvalidOperationException($"unknown expectation '{key}' in a corpus file"),
        };
    }

    private static string OkOrMalformed(bool malformed) => malformed ? "malformed" : "ok";

    private static string Optional(in ConntrackRecord record, RecordFields field, uint value) =>
        record.Has(field) ? value.ToString(CultureInfo.InvariantCulture) : "unset";

    private static string Address(in ConntrackRecord record, ReadOnlySpan<byte> address) =>
        new IPAddress(record.IsIPv6 ? address[..16] : address[..4]).ToString();
}
