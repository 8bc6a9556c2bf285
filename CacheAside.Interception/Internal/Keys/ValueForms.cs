using System.Numerics;

namespace CacheAside.Interception.Internal.Keys;

/// <summary>
/// What the renderers can write for a value declared as a type, as a <see cref="KeyLanguage"/>: each kind of
/// <see cref="ValueRenderers"/> by the characters its text is made of. A form may hold texts rendering never
/// writes (a number of any length), never fewer than it writes. No form holds a raw <c>:</c>.
/// </summary>
internal static class ValueForms
{
    private const string Digits = "0123456789";
    private const string LowerHex = "0123456789abcdef";

    private static readonly KeyLanguage s_null = KeyLanguage.Text(KeyText.NullToken);

    // Any value's text: whatever its characters, each ':' is escaped, as every value's is; a key's raw ':' is a template's.
    private static readonly KeyLanguage s_anyValue = KeyLanguage.ZeroOrMore(KeyLanguage.Either(
        KeyLanguage.Of(CharClass.Except("\\:")),
        KeyLanguage.Sequence(KeyLanguage.Text("\\"), KeyLanguage.Of(CharClass.Any))));

    // Escaped value text: characters without a meaning as they are, the others as '\' and one character, an
    // unpaired surrogate as \uXXXX; empty text as \e.
    private static readonly KeyLanguage s_text = KeyLanguage.Either(
        KeyLanguage.Text(KeyText.EmptyToken),
        KeyLanguage.OneOrMore(KeyLanguage.Either(
            KeyLanguage.Of(CharClass.Except("\\:()[],{}")),
            KeyLanguage.Sequence(KeyLanguage.Text("\\"), KeyLanguage.Of(CharClass.Only("\\:()[],<>"))),
            KeyLanguage.Sequence(KeyLanguage.Text("\\u"), KeyLanguage.Repeat(KeyLanguage.Of(CharClass.Only("0123456789ABCDEF")), 4)))));

    private static readonly KeyLanguage s_unsigned = KeyLanguage.OneOrMore(KeyLanguage.Of(CharClass.Only(Digits)));
    private static readonly KeyLanguage s_signed = KeyLanguage.Sequence(KeyLanguage.Either(KeyLanguage.Text(string.Empty), KeyLanguage.Text("-")), s_unsigned);

    private static readonly KeyLanguage s_floating = KeyLanguage.Either(
        KeyLanguage.Text("NaN"),
        KeyLanguage.Sequence(
            KeyLanguage.Either(KeyLanguage.Text(string.Empty), KeyLanguage.Text("-")),
            KeyLanguage.Either(KeyLanguage.Text("Infinity"), KeyLanguage.OneOrMore(KeyLanguage.Of(CharClass.Only(Digits + ".E+-"))))));

    private static readonly KeyLanguage s_decimal = KeyLanguage.OneOrMore(KeyLanguage.Of(CharClass.Only(Digits + ".-")));

    // Round-trip dates and times, and time spans ("c"): digits and punctuation, their ':' escaped.
    private static readonly KeyLanguage s_time = KeyLanguage.OneOrMore(KeyLanguage.Either(KeyLanguage.Of(CharClass.Only(Digits + "TZ.+-")), KeyLanguage.Text("\\:")));

    private static readonly KeyLanguage s_guid = GuidForm();

    private static readonly KeyLanguage s_version = KeyLanguage.OneOrMore(KeyLanguage.Of(CharClass.Only(Digits + ".")));

    private static readonly KeyLanguage s_boolean = KeyLanguage.Either(KeyLanguage.Text("true"), KeyLanguage.Text("false"));

    // A composite (array, collection, object) opens with '['; a value of another type than declared opens with its tag.
    private static readonly KeyLanguage s_composite = KeyLanguage.Sequence(KeyLanguage.Text(KeyText.CompositeOpen.ToString()), s_anyValue);
    private static readonly KeyLanguage s_tagged = KeyLanguage.Sequence(KeyLanguage.Text(KeyText.TagOpen.ToString()), s_anyValue);

    private static readonly HashSet<Type> s_signedTypes = [typeof(sbyte), typeof(short), typeof(int), typeof(long), typeof(nint), typeof(Int128), typeof(BigInteger)];
    private static readonly HashSet<Type> s_unsignedTypes = [typeof(byte), typeof(ushort), typeof(uint), typeof(ulong), typeof(nuint), typeof(UInt128)];
    private static readonly HashSet<Type> s_floatingTypes = [typeof(Half), typeof(float), typeof(double)];
    private static readonly HashSet<Type> s_timeTypes = [typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly), typeof(TimeSpan)];
    private static readonly HashSet<Type> s_textTypes = [typeof(string), typeof(char), typeof(Uri)];

    /// <summary>Gets the form of a type's canonical name, as a type placeholder not yet closed renders it.</summary>
    public static KeyLanguage TypeName => s_text;

    /// <summary>Every text a value declared <paramref name="declared"/> renders as: <c>\0</c>, tagged, or bare.</summary>
    /// <param name="declared">The declared type.</param>
    /// <param name="canBeNull">
    /// Whether to count <c>\0</c> whatever the type, as the end of a property path does (a form may hold more than
    /// rendering writes); a parameter of a struct type is never null.
    /// </param>
    public static KeyLanguage Of(Type declared, bool canBeNull)
    {
        var exact = Nullable.GetUnderlyingType(declared) ?? declared;
        if (exact.ContainsGenericParameters)
        {
            return s_anyValue;
        }

        var forms = new List<KeyLanguage> { Bare(exact) };
        if (!KeySlot.FixesRuntimeType(exact))
        {
            forms.Add(s_tagged);
        }

        if (canBeNull || !declared.IsValueType || exact != declared)
        {
            forms.Add(s_null);
        }

        return KeyLanguage.Either([.. forms]);
    }

    /// <summary>
    /// Every text the end of a property path of <paramref name="properties"/> properties renders as: its value's, or a
    /// null met on the way, <c>\0</c> and a <c>\.</c> for each property left unread.
    /// </summary>
    public static KeyLanguage OfPath(Type declared, int properties) => KeyLanguage.Either(
    [
        Of(declared, canBeNull: true),
        .. Enumerable.Range(1, properties).Select(unread => KeyLanguage.Text(KeyText.NullToken + string.Concat(Enumerable.Repeat(KeyText.Unread, unread)))),
    ]);

    /// <summary>The texts of values of exactly <paramref name="type"/>, without a tag.</summary>
    private static KeyLanguage Bare(Type type) => type switch
    {
        _ when s_textTypes.Contains(type) || typeof(Type).IsAssignableFrom(type) => s_text,
        _ when s_signedTypes.Contains(type) => s_signed,
        _ when s_unsignedTypes.Contains(type) => s_unsigned,
        _ when s_floatingTypes.Contains(type) => s_floating,
        _ when s_timeTypes.Contains(type) => s_time,
        _ when type == typeof(decimal) => s_decimal,
        _ when type == typeof(bool) => s_boolean,
        _ when type == typeof(Guid) => s_guid,
        _ when type == typeof(Version) => s_version,
        _ when type.IsEnum => EnumForm(type),
        _ => s_composite,
    };

    /// <summary>A member's name, names joined by <c>\, </c> for flags, or a number.</summary>
    private static KeyLanguage EnumForm(Type type)
    {
        var names = KeyLanguage.Either(Enum.GetNames(type).Select(n => KeyLanguage.Text(Escaped(n))).ToArray());
        var named = type.IsDefined(typeof(FlagsAttribute), inherit: false)
            ? KeyLanguage.Sequence(names, KeyLanguage.ZeroOrMore(KeyLanguage.Sequence(KeyLanguage.Text("\\, "), names)))
            : names;
        return KeyLanguage.Either(named, s_signed);
    }

    private static KeyLanguage GuidForm()
    {
        var hex = KeyLanguage.Of(CharClass.Only(LowerHex));
        var dash = KeyLanguage.Text("-");
        return KeyLanguage.Sequence(
            KeyLanguage.Repeat(hex, 8), dash, KeyLanguage.Repeat(hex, 4), dash, KeyLanguage.Repeat(hex, 4), dash, KeyLanguage.Repeat(hex, 4), dash, KeyLanguage.Repeat(hex, 12));
    }

    private static string Escaped(string text)
    {
        var builder = new System.Text.StringBuilder();
        KeyText.AppendValue(builder, text);
        return builder.ToString();
    }
}
