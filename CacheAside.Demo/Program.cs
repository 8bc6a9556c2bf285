using CacheAside.Demo.Hosting;

return await DemoCommand.RunAsync(args, Console.Out, Console.Error);
