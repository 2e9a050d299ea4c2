import AppSupport
import Testing

@Test func appSupportLinks() {
    #expect(AppSupportInfo.name == "AppSupport")
}
