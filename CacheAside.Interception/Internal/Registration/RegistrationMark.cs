using Autofac.Core;

namespace CacheAside.Interception.Internal.Registration;

/// <summary>
/// What <see cref="RegistrationExtensions.EnableCacheAside{TLimit, TActivatorData, TSingleRegistrationStyle}"/> leaves in
/// a registration's metadata: where the registration stands among the container's cache-aside registrations, in the
/// order they were registered. Autofac copies metadata into the registrations it makes from an open generic one when
/// a closed type is first resolved, so a closed registration knows which registration it came from, and the order of
/// registration — not the order of first resolves — tells registrations of one implementation apart.
/// </summary>
internal sealed class RegistrationMark
{
    /// <summary>The metadata key of the mark; a registration that has it is enabled.</summary>
    public const string MetadataKey = "CacheAside.Interception.RegistrationExtensions.Enabled";

    /// <summary>The registry property that lists the marks of a container's registrations, in the order they were registered.</summary>
    public const string PropertyKey = "CacheAside.Interception.RegistrationExtensions.Marks";

    /// <summary>Gets the registration's position among the container's cache-aside registrations, or -1 before the container registered it.</summary>
    public int Sequence { get; private set; } = -1;

    /// <summary>Gets the open generic implementation of an open generic registration, whose closed registrations appear as they are resolved.</summary>
    public Type? OpenGeneric { get; private set; }

    /// <summary>Gets the service keys of an open generic registration.</summary>
    public IReadOnlyList<object> OpenServiceKeys { get; private set; } = [];

    public static RegistrationMark Of(IComponentRegistration registration) => (RegistrationMark)registration.Metadata[MetadataKey]!;

    /// <summary>The marks of the registrations a container was built with, in the order they were registered.</summary>
    public static IReadOnlyList<RegistrationMark> All(IDictionary<string, object?> properties) =>
        properties.TryGetValue(PropertyKey, out var marks) && marks is List<RegistrationMark> list ? list : [];

    /// <summary>Records that the container registered this registration, after every one registered before it.</summary>
    public void Registered(IDictionary<string, object?> properties, Type? openGeneric, IEnumerable<object> openServiceKeys)
    {
        var marks = properties.TryGetValue(PropertyKey, out var existing) && existing is List<RegistrationMark> list
            ? list
            : (List<RegistrationMark>)(properties[PropertyKey] = new List<RegistrationMark>());
        Sequence = marks.Count;
        OpenGeneric = openGeneric;
        OpenServiceKeys = openGeneric is null ? [] : openServiceKeys.ToArray();
        marks.Add(this);
    }
}
