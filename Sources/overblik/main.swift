import OverblikCLI

await OverblikCommand.main()
