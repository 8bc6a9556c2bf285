using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CacheAside.Interception.Internal.Configuration;

/// <summary>
/// The options a configuration section set: binds each of its values to <see cref="CacheAsideOptions"/> through
/// Microsoft.Extensions.Configuration.Binder, keeps every mistake for the container build (a typo, a value that
/// does not convert, an option that only code can set), and makes the options' own messages name the
/// configuration path of a value that came from there, so the user knows which file to fix.
/// </summary>
/// <remarks>
/// An option can come from configuration when its type converts from one string (strings, numbers, booleans,
/// time spans, enums), which is what the binder converts; the others (<see cref="CacheAsideOptions.TimeProvider"/>,
/// <see cref="CacheAsideOptions.SerializerOptions"/>) are code-only. So an option added later is bindable without
/// a change here.
/// </remarks>
internal sealed partial class ConfiguredOptions
{
    private static readonly PropertyInfo[] s_options = typeof(CacheAsideOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .ToArray();

    private readonly List<string> _problems = [];
    private readonly Dictionary<string, (string Path, object? Value)> _bound = new(StringComparer.Ordinal);

    private ConfiguredOptions()
    {
    }

    /// <summary>Sets on <paramref name="options"/> every value <paramref name="configuration"/> holds; mistakes are kept for <see cref="Report"/>.</summary>
    public static ConfiguredOptions Bind(IConfiguration configuration, CacheAsideOptions options)
    {
        var bound = new ConfiguredOptions();
        if (configuration is IConfigurationSection section && !section.Exists())
        {
            bound._problems.Add($"The configuration section \"{section.Path}\" given to RegisterCacheAside is missing or empty: add it (in appsettings.json, \"{section.Key}\": {{ \"RedisConfiguration\": \"localhost:6379\" }}), or pass the section that holds the CacheAside options.");
            return bound;
        }

        foreach (var child in configuration.GetChildren())
        {
            bound.BindOne(child, options);
        }

        return bound;
    }

    /// <summary>
    /// Puts the binding mistakes first in <paramref name="problems"/>, and rewrites the options' messages about a
    /// value that came from configuration (and that code did not set afterwards) to name its configuration path.
    /// </summary>
    public void Report(CacheAsideOptions options, List<string> problems)
    {
        for (var i = 0; i < problems.Count; i++)
        {
            problems[i] = OptionName().Replace(problems[i], match =>
                _bound.TryGetValue(match.Groups[1].Value, out var bound) && Equals(Property(match.Groups[1].Value)!.GetValue(options), bound.Value)
                    ? bound.Path
                    : match.Value);
        }

        problems.InsertRange(0, _problems);
    }

    private void BindOne(IConfigurationSection child, CacheAsideOptions options)
    {
        var property = Property(child.Key);
        if (property is null)
        {
            _problems.Add($"{child.Path} is not a CacheAside option: check its spelling (configuration can set {string.Join(", ", s_options.Where(IsBindable).Select(p => p.Name))}).");
            return;
        }

        if (!IsBindable(property))
        {
            _problems.Add($"{child.Path} cannot come from configuration: CacheAsideOptions.{property.Name} is a {property.PropertyType.Name}; remove it from the configuration and set it in code, in RegisterCacheAside(section, o => o.{property.Name} = ...).");
            return;
        }

        if (child.Value is null)
        {
            _problems.Add($"{child.Path} is a section, but CacheAsideOptions.{property.Name} takes one value: write \"{child.Key}\": {Example(property.PropertyType)}.");
            return;
        }

        if (property.PropertyType != typeof(string) && string.IsNullOrWhiteSpace(child.Value))
        {
            _problems.Add($"{child.Path} is empty: write {Example(property.PropertyType)}, or remove it to keep the default.");
            return;
        }

        if (property.PropertyType == typeof(TimeSpan) && long.TryParse(child.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var number))
        {
            // TimeSpan reads a bare number as days: "300" would be 300 days, not 300 seconds.
            _problems.Add($"{child.Path} is \"{child.Value}\", a bare number, which a TimeSpan reads as {number} days: write the time span in full, such as \"00:05:00\" for 5 minutes or \"00:00:00.050\" for 50 milliseconds (\"{number}.00:00:00\" if you do mean days).");
            return;
        }

        object? value;
        try
        {
            value = child.Get(property.PropertyType);
        }
        catch (InvalidOperationException)
        {
            _problems.Add($"{child.Path} is \"{child.Value}\", which is not {Example(property.PropertyType)}: fix the value.");
            return;
        }

        property.SetValue(options, value);
        _bound[property.Name] = (child.Path, value);
    }

    private static PropertyInfo? Property(string name) =>
        s_options.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the binder can set the option from one configuration value: its type converts from a string.</summary>
    private static bool IsBindable(PropertyInfo property) =>
        property.PropertyType == typeof(string) || TypeDescriptor.GetConverter(property.PropertyType).CanConvertFrom(typeof(string));

    private static string Example(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(TimeSpan) => "a time span such as \"00:05:00\" (hours:minutes:seconds) or \"00:00:00.050\" (50 milliseconds)",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(int) || t == typeof(long) => "a whole number such as 10",
        var t when t == typeof(double) || t == typeof(float) || t == typeof(decimal) => "a number such as 0.5",
        { IsEnum: true } t => $"one of {string.Join(", ", Enum.GetNames(t))}",
        _ => "a text value such as \"value\"",
    };

    [GeneratedRegex(@"\bCacheAsideOptions\.(\w+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex OptionName();
}
