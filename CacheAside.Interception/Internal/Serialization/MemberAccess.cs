using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;

namespace CacheAside.Interception.Internal.Serialization;

/// <summary>
/// Compiled getters and setters over boxed instances, for members System.Text.Json cannot reach by itself
/// (private setters, get-only auto-properties, readonly fields, ignored members) and for the state comparer.
/// Each is emitted once as IL and cached: calls do no reflection.
/// </summary>
/// <remarks>
/// A setter on a struct writes into the box it is given (<c>unbox</c> yields a pointer into it), which is what
/// System.Text.Json hands setters while it fills a struct. Emitted code skips visibility checks, so it may
/// set a private or readonly member, exactly like the compiler-generated constructor of the type would.
/// </remarks>
internal static class MemberAccess
{
    private static readonly ConcurrentDictionary<MemberInfo, Func<object, object?>> s_getters = new();
    private static readonly ConcurrentDictionary<MemberInfo, Action<object, object?>> s_setters = new();

    /// <summary>Gets a getter for a field or a property that has a getter of any visibility.</summary>
    public static Func<object, object?> Getter(MemberInfo member) => s_getters.GetOrAdd(member, static m => EmitGetter(m));

    /// <summary>Gets a setter for a field (readonly included) or a property that has a setter of any visibility.</summary>
    public static Action<object, object?> Setter(MemberInfo member) => s_setters.GetOrAdd(member, static m => EmitSetter(m));

    private static Func<object, object?> EmitGetter(MemberInfo member)
    {
        var owner = member.DeclaringType!;
        var valueType = MemberType(member);
        var method = new DynamicMethod("get_" + member.Name, typeof(object), [typeof(object)], owner.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(owner.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, owner);
        if (member is FieldInfo field)
        {
            il.Emit(OpCodes.Ldfld, field);
        }
        else
        {
            var getter = ((PropertyInfo)member).GetGetMethod(nonPublic: true)!;
            il.Emit(owner.IsValueType || getter.IsFinal || !getter.IsVirtual ? OpCodes.Call : OpCodes.Callvirt, getter);
        }

        if (valueType.IsValueType)
        {
            il.Emit(OpCodes.Box, valueType);
        }

        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<object, object?>>();
    }

    private static Action<object, object?> EmitSetter(MemberInfo member)
    {
        var owner = member.DeclaringType!;
        var valueType = MemberType(member);
        var method = new DynamicMethod("set_" + member.Name, null, [typeof(object), typeof(object)], owner.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(owner.IsValueType ? OpCodes.Unbox : OpCodes.Castclass, owner);
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Unbox_Any, valueType);
        if (member is FieldInfo field)
        {
            il.Emit(OpCodes.Stfld, field);
        }
        else
        {
            var setter = ((PropertyInfo)member).GetSetMethod(nonPublic: true)!;
            il.Emit(owner.IsValueType || setter.IsFinal || !setter.IsVirtual ? OpCodes.Call : OpCodes.Callvirt, setter);
        }

        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Action<object, object?>>();
    }

    private static Type MemberType(MemberInfo member) =>
        member is FieldInfo field ? field.FieldType : ((PropertyInfo)member).PropertyType;
}
