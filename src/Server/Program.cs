using SystemImage.Server.Cli;

return await CommandLine.RunAsync(args);
