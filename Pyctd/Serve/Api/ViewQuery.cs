using System.Buffers;
using System.Globalization;
using Pyctd.Conntrack;
using Pyctd.Filtering;
using Pyctd.Serve.XmlRpc;

namespace Pyctd.Serve.Api;

/// <summary>
/// view()'s filters, order and page: compiled once per call from the XML-RPC arguments, then
/// run over a snapshot. Every bad argument is a -32602 fault that says which and why.
/// </summary>
internal sealed class ViewQuery
{
    // A pool of its own that keeps few arrays: the shared pool keeps one per thread, and with
    // many concurrent views of a 200,000-entry table that is tens of megabytes held for nothing.
    private static readonly ArrayPool<SortKey> s_keyArrays = ArrayPool<SortKey>.Create(maxArrayLength: 1 << 24, maxArraysPerBucket: 2);

    private readonly List<Condition> _conditions = [];

    public ViewField OrderBy { get; private init; } = ViewField.Find("id")!;

    public bool Descending { get; private init; }

    public int Start { get; private init; }

    /// <summary>0 means every match from <see cref="Start"/> on.</summary>
    public int Length { get; private init; }

    public static ViewQuery Parse(IReadOnlyList<XmlRpcValue> parameters)
    {
        // view(session, filters, order_by, order_dir, start, length); trailing ones may be left out.
        XmlRpcValue? filters = parameters.Count > 1 ? parameters[1] : null;
        string orderBy = parameters.Count > 2 ? Arguments.String(parameters[2], "order_by") : "id";
        string direction = parameters.Count > 3 ? Arguments.String(parameters[3], "order_dir") : "ASC";
        int start = parameters.Count > 4 ? Arguments.NonNegativeInt(parameters[4], "start") : 0;
        int length = parameters.Count > 5 ? Arguments.NonNegativeInt(parameters[5], "length") : 0;
        if (parameters.Count > 6)
        {
            throw Arguments.Bad($"view takes at most 6 parameters, got {parameters.Count}");
        }

        ViewField field = ViewField.Find(orderBy.Trim().ToLowerInvariant())
            ?? throw Arguments.Bad($"order_by: '{orderBy}' is not a field (one of: {ViewField.Names})");
        bool descending = direction.Trim().ToUpperInvariant() switch
        {
            "ASC" => false,
            "DESC" => true,
            _ => throw Arguments.Bad($"order_dir: '{direction}' is neither ASC nor DESC"),
        };

        var query = new ViewQuery { OrderBy = field, Descending = descending, Start = start, Length = length };
        if (filters is not null && !(filters.Kind == XmlRpcKind.String && filters.String.Length == 0))
        {
            if (filters.Kind != XmlRpcKind.Struct)
            {
                throw Arguments.Bad($"filters: expected a struct, got {filters.Kind.ToString().ToLowerInvariant()}");
            }

            foreach (var (name, value) in filters.Members)
            {
                query._conditions.Add(Condition.Parse(name, value));
            }
        }

        return query;
    }

    /// <summary>
    /// The indexes of the requested page of matching entries, in order, and how many matched in all.
    /// A page near the top (the usual "top 50 by rate") is picked with a bounded heap instead of
    /// sorting every match.
    /// </summary>
    public (int[] Page, int Total) Select(Snapshot snapshot)
    {
        if (OrderBy.Kind == ViewFieldKind.Address)
        {
            int[] all = SelectByAddress(snapshot);
            return (Slice(all), all.Length);
        }

        // One pooled array for the matches' keys: a view of a large table leaves no large garbage.
        SortKey[] rented = s_keyArrays.Rent(Math.Max(snapshot.Count, 1));
        try
        {
            int matched = 0;
            for (int i = 0; i < snapshot.Count; i++)
            {
                if (Matches(snapshot, i))
                {
                    rented[matched++] = new SortKey(OrderBy.Number(snapshot, i), snapshot[i].Id, i);
                }
            }

            Span<SortKey> keys = rented.AsSpan(0, matched);
            var comparer = new SortKeyComparer(Descending);
            int needed = Length == 0 ? matched : (int)Math.Min((long)Start + Length, matched);
            if (needed >= matched / 4)
            {
                keys.Sort(comparer);
            }
            else
            {
                keys = TopOf(keys, needed, comparer);
            }

            int start = Math.Min(Start, keys.Length);
            int length = Length == 0 ? keys.Length - start : Math.Min(Length, keys.Length - start);
            var page = new int[length];
            for (int i = 0; i < length; i++)
            {
                page[i] = keys[start + i].Index;
            }

            return (page, matched);
        }
        finally
        {
            s_keyArrays.Return(rented);
        }
    }

    /// <summary>The page [Start, Start + Length) of an ordered list; Length 0 means to the end.</summary>
    private int[] Slice(int[] ordered)
    {
        int start = Math.Min(Start, ordered.Length);
        int length = Length == 0 ? ordered.Length - start : Math.Min(Length, ordered.Length - start);
        return ordered.AsSpan(start, length).ToArray();
    }

    /// <summary>The first <paramref name="count"/> keys in order, keeping only that many at a time.</summary>
    private static SortKey[] TopOf(ReadOnlySpan<SortKey> keys, int count, SortKeyComparer comparer)
    {
        if (count == 0)
        {
            return [];
        }

        // A heap whose top is the worst key kept so far: a better key replaces it.
        var worstFirst = new PriorityQueue<SortKey, SortKey>(count, Comparer<SortKey>.Create((a, b) => comparer.Compare(b, a)));
        foreach (SortKey key in keys)
        {
            if (worstFirst.Count < count)
            {
                worstFirst.Enqueue(key, key);
            }
            else if (comparer.Compare(key, worstFirst.Peek()) < 0)
            {
                worstFirst.EnqueueDequeue(key, key);
            }
        }

        var best = new SortKey[worstFirst.Count];
        for (int i = best.Length - 1; i >= 0; i--)
        {
            best[i] = worstFirst.Dequeue();
        }

        return best;
    }

    private int[] SelectByAddress(Snapshot snapshot)
    {
        var matches = new List<int>();
        for (int i = 0; i < snapshot.Count; i++)
        {
            if (Matches(snapshot, i))
            {
                matches.Add(i);
            }
        }

        int[] order = [.. matches];
        ViewField field = OrderBy;
        int direction = Descending ? -1 : 1;
        Array.Sort(order, (a, b) => direction * CompareAddress(snapshot, field, a, b));
        return order;
    }

    private readonly record struct SortKey(long Value, uint Id, int Index);

    /// <summary>By value, then by id, so equal values come out in a stable, repeatable order.</summary>
    private sealed class SortKeyComparer(bool descending) : IComparer<SortKey>
    {
        public int Compare(SortKey x, SortKey y)
        {
            int order = x.Value.CompareTo(y.Value);
            if (order == 0)
            {
                order = x.Id.CompareTo(y.Id);
            }

            return descending ? -order : order;
        }
    }

    private bool Matches(Snapshot snapshot, int index)
    {
        foreach (Condition condition in _conditions)
        {
            if (!condition.Matches(snapshot, index))
            {
                return false;
            }
        }

        return true;
    }

    private static int CompareAddress(Snapshot snapshot, ViewField field, int a, int b)
    {
        ref readonly ConntrackRecord x = ref snapshot[a];
        ref readonly ConntrackRecord y = ref snapshot[b];
        int result = x.Family.CompareTo(y.Family);
        if (result == 0)
        {
            AddressBytes first = field.Address(x);
            AddressBytes second = field.Address(y);
            result = ((ReadOnlySpan<byte>)first).SequenceCompareTo(second);
        }

        return result != 0 ? result : x.Id.CompareTo(y.Id);
    }

    /// <summary>One filter key: the entry matches when any of its values does (an array means any-of).</summary>
    private sealed class Condition(ViewField field, long[] numbers, AddressPrefix[] prefixes)
    {
        public bool Matches(Snapshot snapshot, int index)
        {
            if (field.Kind == ViewFieldKind.Address)
            {
                ref readonly ConntrackRecord record = ref snapshot[index];
                AddressBytes address = field.Address(record);
                foreach (AddressPrefix prefix in prefixes)
                {
                    if (prefix.Matches(record.Family, address))
                    {
                        return true;
                    }
                }

                return false;
            }

            long value = field.Number(snapshot, index);
            foreach (long wanted in numbers)
            {
                if (field.Kind == ViewFieldKind.Status ? (value & wanted) == wanted : value == wanted)
                {
                    return true;
                }
            }

            return false;
        }

        public static Condition Parse(string name, XmlRpcValue value)
        {
            ViewField field = ViewField.Find(name)
                ?? throw Arguments.Bad($"filters: '{name}' is not a field (one of: {ViewField.Names})");
            IReadOnlyList<XmlRpcValue> values = value.Kind == XmlRpcKind.Array ? value.Items : [value];
            if (values.Count == 0)
            {
                throw Arguments.Bad($"filters: '{name}' has an empty list");
            }

            if (field.Kind == ViewFieldKind.Address)
            {
                return new Condition(field, [], values.Select(v => ParseAddress(field, v)).ToArray());
            }

            return new Condition(field, values.Select(v => ParseNumber(field, v)).ToArray(), []);
        }

        private static AddressPrefix ParseAddress(ViewField field, XmlRpcValue value)
        {
            string text = value.Kind switch
            {
                // PHP's ip2long gives a host-order integer (negative on 32-bit PHP).
                XmlRpcKind.Integer when Arguments.Unsigned(value.Integer) is >= 0 and <= uint.MaxValue =>
                    new System.Net.IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)Arguments.Unsigned(value.Integer))).ToString(),
                XmlRpcKind.String => value.String.Trim(),
                _ => throw Arguments.Bad($"filters: '{field.Name}' wants an address string, ADDR/PREFIX or an IPv4 integer, got {Describe(value)}"),
            };
            if (!AddressPrefix.TryParse(text, out AddressPrefix prefix, out string? error))
            {
                throw Arguments.Bad($"filters: {field.Name}: {error}");
            }

            if (field.IPv4Only && prefix.Family != AddressFamilies.Inet)
            {
                throw Arguments.Bad($"filters: '{field.Name}' is an IPv4 field, got '{text}'");
            }

            return prefix;
        }

        private static long ParseNumber(ViewField field, XmlRpcValue value)
        {
            if (value.Kind == XmlRpcKind.Integer)
            {
                return Arguments.Unsigned(value.Integer);
            }

            if (value.Kind != XmlRpcKind.String)
            {
                throw Arguments.Bad($"filters: '{field.Name}' wants {Expected(field)}, got {Describe(value)}");
            }

            string text = value.String.Trim();
            switch (field.Kind)
            {
                case ViewFieldKind.Protocol when ConntrackNames.TryParseProtocol(text, out byte protocol):
                    return protocol;
                case ViewFieldKind.Family:
                    return text.ToLowerInvariant() switch
                    {
                        "ipv4" or "inet" or "2" => AddressFamilies.Inet,
                        "ipv6" or "inet6" or "10" => AddressFamilies.Inet6,
                        _ => throw Arguments.Bad($"filters: family: '{text}' is neither ipv4 nor ipv6"),
                    };
                case ViewFieldKind.State:
                    string upper = text.ToUpperInvariant();
                    if (ConntrackNames.TcpStates.Contains(upper) || ConntrackNames.SctpStates.Contains(upper) || ConntrackNames.DccpStates.Contains(upper))
                    {
                        return ViewField.StateKey(upper);
                    }

                    throw Arguments.Bad($"filters: state: '{text}' is not a connection state");
                case ViewFieldKind.Status:
                    return ConntrackNames.TryParseStatusFlag(text, out uint bit)
                        ? bit
                        : throw Arguments.Bad($"filters: status: '{text}' is not a status flag");
            }

            if (Cli.ValueParsers.TryParseUInt32(text, out uint small))
            {
                return small;
            }

            if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong large) && large <= long.MaxValue)
            {
                return (long)large;
            }

            throw Arguments.Bad($"filters: '{field.Name}' wants {Expected(field)}, got '{text}'");
        }

        private static string Expected(ViewField field) => field.Kind switch
        {
            ViewFieldKind.Protocol => "a protocol name or number",
            ViewFieldKind.Family => "ipv4 or ipv6",
            ViewFieldKind.State => "a state name",
            ViewFieldKind.Status => "a status flag name",
            _ => "an integer",
        };

        private static string Describe(XmlRpcValue value) => value.Kind switch
        {
            XmlRpcKind.String => $"'{value.String}'",
            XmlRpcKind.Integer => value.Integer.ToString(CultureInfo.InvariantCulture),
            _ => value.Kind.ToString().ToLowerInvariant(),
        };
    }
}
