import PBXCLI

PBXCLI.exitProcess(PBXCLI.main(CommandLine.arguments))
