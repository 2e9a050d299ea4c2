/// AppSupport: the pieces the command-line apps share.
public enum AppSupportInfo {
    /// The library's name.
    public static let name = "AppSupport"
}
