using Pyctd.Conntrack;

namespace Pyctd.Domain.Fields;

/// <summary>
/// Where the field catalog writes one connection's fields: a JSON object, an XML-RPC struct, or
/// anything else that names its members. Names are the catalog's UTF-8 names; the writer decides
/// the syntax. Implementations are usually ref structs over a reserved span or pooled buffer, so a
/// row costs no allocation.
/// </summary>
internal interface IFieldWriter
{
    /// <summary>A small unsigned number (ports, protocols, zones, timeout): it fits a signed 32-bit integer.</summary>
    void Number(scoped ReadOnlySpan<byte> name, ulong value);

    /// <summary>
    /// A 32-bit word (mark, secmark, ip2long of an address). XML-RPC writes it as the signed &lt;int&gt;
    /// with the same 32 bits, as 32-bit PHP's ip2long does; JSON as the unsigned number.
    /// </summary>
    void Word32(scoped ReadOnlySpan<byte> name, uint value);

    /// <summary>
    /// A 64-bit counter (bytes, packets, rates, epoch seconds). XML-RPC writes it as &lt;double&gt;,
    /// which every client reads and which is exact to 2^53; JSON as the number.
    /// </summary>
    void Count(scoped ReadOnlySpan<byte> name, ulong value);

    /// <summary>
    /// A conntrack id (u32). Formats whose integers are narrower write it otherwise: XML-RPC
    /// sends it as a string, since its &lt;int&gt; is signed 32-bit.
    /// </summary>
    void Id(scoped ReadOnlySpan<byte> name, uint value);

    /// <summary>Bytes the kernel or the name tables gave: escaped by the writer as its format needs.</summary>
    void Text(scoped ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value);

    /// <summary>
    /// A field every row carries that has no value here (a UDP entry's state). JSON writes null;
    /// XML-RPC writes "", since it has no null that every client reads.
    /// </summary>
    void Missing(scoped ReadOnlySpan<byte> name);

    void Address(scoped ReadOnlySpan<byte> name, byte family, in AddressBytes address);

    void BeginList(scoped ReadOnlySpan<byte> name);

    void ListText(scoped ReadOnlySpan<byte> value);

    void ListNumber(ulong value);

    void EndList();
}
