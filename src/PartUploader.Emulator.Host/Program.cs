using PartUploader.Emulator;

return await EmulatorHost.RunAsync(args).ConfigureAwait(false);
