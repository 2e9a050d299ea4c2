// classify: prints what each image shows, with its probability. See Classify.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(Classify.main(arguments: Array(CommandLine.arguments.dropFirst())))
