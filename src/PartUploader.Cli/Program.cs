using PartUploader.Cli;

return await CliApp.RunAsync(args).ConfigureAwait(false);
