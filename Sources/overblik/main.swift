import OverblikCLI

await Entrypoint.main()
