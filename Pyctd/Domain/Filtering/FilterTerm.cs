namespace Pyctd.Domain.Filtering;

/// <summary>
/// One accepted value of a filter key. Numbers match when (field value AND <see cref="Mask"/>)
/// equals <see cref="Value"/>: plain equality has every mask bit set, a mark VALUE/MASK its mask,
/// and status flags use the flags as both (all of them must be set). Address fields match a prefix.
/// </summary>
internal readonly record struct FilterTerm(ulong Value, ulong Mask, AddressPrefix? Prefix)
{
    public static FilterTerm Equal(ulong value) => new(value, ulong.MaxValue, null);

    /// <summary>As conntrack does, the value is not masked: 5/4 matches nothing, since no mark AND 4 is 5.</summary>
    public static FilterTerm Masked(ulong value, ulong mask) => new(value, mask, null);

    public static FilterTerm Within(AddressPrefix prefix) => new(0, 0, prefix);

    public bool IsExact => Prefix is null && Mask == ulong.MaxValue;
}
