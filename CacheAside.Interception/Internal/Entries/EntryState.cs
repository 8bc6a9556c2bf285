namespace CacheAside.Interception.Internal.Entries;

/// <summary>What reading a stored entry found.</summary>
internal enum EntryState
{
    /// <summary>A value of this shape, still fresh: a hit.</summary>
    Fresh,

    /// <summary>A value of this shape whose freshness ended (kept only for fail-safe): not a hit.</summary>
    Stale,

    /// <summary>Not something this method's codec wrote: another format, another shape, or damage. A miss.</summary>
    Unreadable,
}
