// nnrnn: a thin command-line layer over the NnRnn library.
return NnRnn.Cli.App.Run(args);
