namespace CacheAside.Interception;

/// <summary>
/// Marks an interface method as a write that invalidates cached reads: after the implementation
/// completes successfully, the key rendered from <see cref="Key"/> is deleted from Redis, so the next read
/// is a miss and sees the new data. Apply it once per key the write makes stale.
/// </summary>
/// <remarks>
/// <para>
/// For methods returning <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/>, the key is deleted after the returned task completes, and the caller's
/// task completes only after that delete. When the implementation throws (or its task faults or is
/// cancelled), nothing is deleted and the exception reaches the caller unchanged.
/// </para>
/// <para>
/// The template is rendered from this method's own arguments, after the implementation ran, so a key can
/// use a value the implementation assigned (an identity generated on insert, say). It must produce the same
/// text as the read's template: <c>[Cached("product:{id}")]</c> on the read pairs with
/// <c>[Invalidates("product:{product.Id}")]</c> on the write.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class InvalidatesAttribute : Attribute
{
    /// <summary>Invalidates the key rendered from <paramref name="key"/> after a successful write.</summary>
    /// <param name="key">The key template, e.g. <c>product:{product.Id}</c>.</param>
    public InvalidatesAttribute(string key)
    {
        Key = key;
    }

    /// <summary>Gets the key template.</summary>
    public string Key { get; }
}
