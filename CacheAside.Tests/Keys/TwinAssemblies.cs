using System.Reflection;
using System.Reflection.Emit;
using CacheAside.Interception;

namespace CacheAside.Tests.Keys;

/// <summary>
/// Types that share their full name with a type of this assembly, each in a new assembly of its own: what two
/// libraries of one application, or two applications sharing one Redis, can have.
/// </summary>
public static class TwinAssemblies
{
    /// <summary>A public sealed class of <paramref name="fullName"/>, with one public field, Id, in a new assembly.</summary>
    public static Type Class(string fullName, string assembly)
    {
        var type = Module(assembly).DefineType(fullName, TypeAttributes.Public | TypeAttributes.Sealed);
        type.DefineField("Id", typeof(int), FieldAttributes.Public);
        return type.CreateType();
    }

    /// <summary>An instance of <paramref name="twin"/> (made by <see cref="Class"/>) with <paramref name="id"/> in its field.</summary>
    public static object Instance(Type twin, int id)
    {
        var instance = Activator.CreateInstance(twin)!;
        twin.GetField("Id")!.SetValue(instance, id);
        return instance;
    }

    /// <summary>
    /// A public interface of <paramref name="fullName"/> in a new assembly, with a <see cref="CachedAttribute"/> method named
    /// <paramref name="method"/> returning <see cref="string"/> for each of <paramref name="parameterTypes"/>, whose one parameter is named <c>id</c>.
    /// </summary>
    public static Type Interface(string fullName, string assembly, string method, params Type[] parameterTypes)
    {
        var type = Module(assembly).DefineType(fullName, TypeAttributes.Public | TypeAttributes.Interface | TypeAttributes.Abstract);
        foreach (var parameterType in parameterTypes)
        {
            var overload = type.DefineMethod(
                method,
                MethodAttributes.Public | MethodAttributes.Abstract | MethodAttributes.Virtual | MethodAttributes.HideBySig | MethodAttributes.NewSlot,
                typeof(string),
                [parameterType]);
            overload.DefineParameter(1, ParameterAttributes.None, "id");
            overload.SetCustomAttribute(new CustomAttributeBuilder(typeof(CachedAttribute).GetConstructor(Type.EmptyTypes)!, []));
        }

        return type.CreateType();
    }

    /// <summary>
    /// A public sealed class of <paramref name="fullName"/> in a new assembly, derived from <paramref name="baseType"/>,
    /// whose parameterless constructor passes <paramref name="argument"/> to the base type's constructor that takes a string.
    /// </summary>
    public static Type Derived(string fullName, string assembly, Type baseType, string argument)
    {
        var type = Module(assembly).DefineType(fullName, TypeAttributes.Public | TypeAttributes.Sealed, baseType);
        var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, Type.EmptyTypes);
        var il = constructor.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldstr, argument);
        il.Emit(OpCodes.Call, baseType.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(string)])!);
        il.Emit(OpCodes.Ret);
        return type.CreateType();
    }

    private static ModuleBuilder Module(string assembly) =>
        AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(assembly), AssemblyBuilderAccess.Run).DefineDynamicModule(assembly);
}
