// skip-connections: plain versus residual networks of growing depth on CIFAR-10.
import AppSupport
import ArgumentParser
import Foundation

/// The `skip-connections` command.
struct SkipConnectionsTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip-connections",
        abstract: "Plain versus residual networks of growing depth on CIFAR-10 (He et al. 2015).")
}

exit(CommandRunner.run(SkipConnectionsTool.self, name: "skip-connections"))
