import Foundation
import Testing

/// The page of `classify serve` in a real browser: headless Chromium over the DevTools pipe
/// draws a 7 on the page's pad with synthetic mouse (pointer) events, reads the prediction,
/// checks every layer picture loaded, takes a screenshot, drops the drawing as a PNG file,
/// checks that a server error is shown, and that the page fits a phone, where a 1 drawn by
/// touch is predicted. Skipped, with the reason printed, when Chromium is not installed or
/// `classify` has no `serve` subcommand.
@Suite struct ServePageTests {
    typealias Support = BrowserTestSupport

    /// The viewport of the screenshot, in CSS pixels.
    static let viewport = (width: 1280, height: 1800)

    /// A 1 as fractions of the pad: one slightly slanted stroke.
    static let one: [(x: Double, y: Double)] = [(0.5, 0.15), (0.55, 0.85)]

    /// A 7 as fractions of the pad: the bar, then the stem.
    static let seven: [(x: Double, y: Double)] = [(0.22, 0.2), (0.76, 0.2), (0.44, 0.86)]

    /// The whole test's bound: every wait ends by then (under the 1-minute time limit).
    static let budget: TimeInterval = 50

    @Test(.timeLimit(.minutes(1)))
    func drawnDigitIsPredictedWithEveryLayerPicture() throws {
        let deadline = Date().addingTimeInterval(Self.budget)
        guard let chromium = Support.chromium() else {
            try Support.skip(
                "no Chromium on PATH (Tools/bootstrap installs the Debian package chromium; "
                    + "or set \(Support.chromiumVariable))")
        }
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        var server: ServeProcess?
        defer { server?.stop() }
        let baseURL: String
        if let running = ProcessInfo.processInfo.environment[Support.serverVariable] {
            baseURL = running
        } else {
            let classify = try Support.classify()
            guard try Support.hasServe(classify, folder: folder) else {
                try Support.skip("\(classify.path) has no serve subcommand")
            }
            server = try ServeProcess(classify: classify, folder: folder, timeout: 20)
            baseURL = server!.baseURL
        }

        let browser = try HeadlessBrowser(
            chromium: chromium, folder: folder, width: Self.viewport.width,
            height: Self.viewport.height, deadline: deadline)
        defer { browser.quit() }
        do {
            try check(browser, baseURL: baseURL, folder: folder)
        } catch {
            let log = server.map { (try? String(contentsOfFile: $0.logPath, encoding: .utf8)) }
            Issue.record("\(error)\nserver log:\n\((log ?? nil) ?? "(external server)")")
        }
        #expect(browser.devTools.errors.isEmpty, "page errors: \(browser.devTools.errors)")
    }

    /// The page's checks, in order.
    func check(_ browser: HeadlessBrowser, baseURL: String, folder: URL) throws {
        try browser.navigate(to: "\(baseURL)/")
        try browser.waitFor(
            "Number(document.querySelector('#model').dataset.count) > 0",
            what: "the model list", timeout: 15)
        let facts = try browser.evaluate("document.querySelector('#model-info').textContent")
        #expect((facts as? String)?.contains("Parameters") == true, "model facts: \(facts ?? "")")

        try drawSeven(browser)
        try browser.waitFor(
            """
            document.body.dataset.busy === '0'
              && document.querySelector('#prediction').dataset.state === 'ok'
              && document.querySelectorAll('#layers img').length > 0
              && [...document.querySelectorAll('#layers img, #input-image')]
                   .every((img) => img.complete && img.naturalWidth > 0)
            """, what: "the prediction and the layer pictures", timeout: 20)

        let error = try browser.evaluate("document.querySelector('#error').textContent")
        #expect((error as? String)?.isEmpty == true, "the page shows an error: \(error ?? "")")
        let predicted = try browser.evaluate("document.querySelector('#prediction').dataset.class")
        #expect(predicted as? String == "7", "the page predicts \(predicted ?? "nothing")")
        let pictures = try browser.evaluate(
            "[...document.querySelectorAll('#layers img')].map((img) => img.naturalWidth)")
        let widths = pictures as? [Int] ?? []
        #expect(!widths.isEmpty && widths.allSatisfy { $0 > 0 }, "layer pictures: \(widths)")
        let probability = try browser.evaluate(
            "document.querySelector('#prediction').dataset.probability")
        print(
            "BrowserTests: the page predicts \(predicted ?? "nothing") (probability "
                + "\(probability ?? "?")) with \(widths.count) layer pictures")
        let bars = try browser.evaluate("document.querySelectorAll('#probabilities li').length")
        #expect(bars as? Int == 10, "one bar per class: \(bars ?? "none")")

        try checkScreenshot(browser, folder: folder)
        try checkDroppedFile(browser, folder: folder)
        try checkServerErrorIsShown(browser)
        try checkPhone(browser)
    }

    /// Draws a 7 across the pad in one stroke; before the button is released, the prediction
    /// is already shown (it updates as you draw) and no layer picture yet (they follow each
    /// stroke).
    func drawSeven(_ browser: HeadlessBrowser) throws {
        let rect = try browser.evaluate(
            """
            (() => { const r = document.querySelector('#pad').getBoundingClientRect();
                     return [r.left, r.top, r.width, r.height]; })()
            """)
        let box = try #require(rect as? [Double], "the pad's rectangle: \(rect ?? "none")")
        try #require(box.count == 4 && box[2] > 100 && box[3] > 100, "the pad is \(box)")
        let points = Self.seven.map { (x: box[0] + $0.x * box[2], y: box[1] + $0.y * box[3]) }
        try browser.drag(through: points, release: false)
        try browser.waitFor(
            "document.querySelector('#prediction').dataset.state === 'ok'",
            what: "a prediction while drawing", timeout: 15)
        let pictures = try browser.evaluate("document.querySelectorAll('#layers img').length")
        #expect(pictures as? Int == 0, "layer pictures before the stroke ended: \(pictures ?? "")")
        try browser.releaseMouse(at: points[points.count - 1])
    }

    /// A valid PNG of the viewport, written to the committed picture only when asked; the mouse
    /// points at the middle of the connection picture, so one node's lines stand out.
    func checkScreenshot(_ browser: HeadlessBrowser, folder: URL) throws {
        let rect = try browser.evaluate(
            """
            (() => { const r = document.querySelector('#network').getBoundingClientRect();
                     return [r.left, r.top, r.width, r.height]; })()
            """)
        let box = try #require(rect as? [Double], "the network's rectangle: \(rect ?? "none")")
        try #require(box.count == 4 && box[2] > 100, "the network picture is \(box)")
        try browser.hover(at: (box[0] + box[2] / 2, box[1] + box[3] * 0.45))
        try browser.waitFor(
            "document.querySelector('#network').title.includes('node')",
            what: "the connection picture's hover", timeout: 5)
        let png = try browser.screenshot()
        let size = Support.pngSize(png)
        #expect(size?.width == Self.viewport.width && size?.height == Self.viewport.height)
        #expect(png.count > 20_000, "a screenshot of \(png.count) bytes is too plain")
        let update = ProcessInfo.processInfo.environment[Support.updateScreenshotVariable] == "1"
        let url = update ? Support.committedScreenshot : folder.appendingPathComponent("page.png")
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: url)
        print("BrowserTests: wrote the screenshot to \(url.path)")
    }

    /// The pad's drawing saved as a PNG file, Clear, then that file dropped on the pad: the
    /// page sends the file and predicts the 7 again.
    func checkDroppedFile(_ browser: HeadlessBrowser, folder: URL) throws {
        let url = try browser.evaluate("document.querySelector('#pad').toDataURL('image/png')")
        let base64 = try #require(
            (url as? String)?.split(separator: ",").last, "the pad as a data URL: \(url ?? "")")
        let png = try #require(Data(base64Encoded: String(base64)), "the pad's PNG")
        let file = folder.appendingPathComponent("drawn-seven.png")
        try png.write(to: file)

        try browser.evaluate("document.querySelector('#clear').click(); true")
        let rect = try browser.evaluate(
            """
            (() => { const r = document.querySelector('#pad').getBoundingClientRect();
                     return [r.left + r.width / 2, r.top + r.height / 2]; })()
            """)
        let centre = try #require(rect as? [Double], "the pad's centre: \(rect ?? "none")")
        try #require(centre.count == 2)
        try browser.dropFile(file.path, at: (centre[0], centre[1]))
        try browser.waitFor(
            """
            document.body.dataset.busy === '0'
              && document.querySelector('#prediction').dataset.state === 'ok'
              && document.querySelectorAll('#layers img').length > 0
            """, what: "the prediction of the dropped file", timeout: 20)
        let predicted = try browser.evaluate("document.querySelector('#prediction').dataset.class")
        #expect(predicted as? String == "7", "the dropped 7 is predicted \(predicted ?? "")")
        print("BrowserTests: the dropped PNG of the drawing is predicted \(predicted ?? "nothing")")
    }

    /// A file that is no image: the server's JSON error (415) is shown on the page.
    func checkServerErrorIsShown(_ browser: HeadlessBrowser) throws {
        try browser.evaluate(
            "usePhoto(new File(['not an image'], 'note.txt', { type: 'text/plain' })); true")
        try browser.waitFor(
            "!document.querySelector('#error').hidden", what: "the error message", timeout: 10)
        let message = try browser.evaluate("document.querySelector('#error').textContent")
        #expect(
            (message as? String)?.contains("415") == true,
            "the error shown: \(message ?? "none")")
    }

    /// At 360 CSS pixels (a phone) nothing sticks out sideways, and a 1 drawn with a finger
    /// (touch events) after Clear is predicted.
    func checkPhone(_ browser: HeadlessBrowser) throws {
        try browser.resize(width: 360, height: 740, mobile: true)
        try browser.waitFor("window.innerWidth === 360", what: "the phone viewport", timeout: 5)
        let width = try browser.evaluate("document.documentElement.scrollWidth")
        #expect((width as? Int).map { $0 <= 360 } == true, "page width at 360 px: \(width ?? "")")

        try browser.evaluate(
            """
            document.querySelector('#clear').click();
            document.querySelector('#pad').scrollIntoView();
            true
            """)
        let rect = try browser.evaluate(
            """
            (() => { const r = document.querySelector('#pad').getBoundingClientRect();
                     return [r.left, r.top, r.width, r.height]; })()
            """)
        let box = try #require(rect as? [Double], "the pad's rectangle: \(rect ?? "none")")
        try #require(box.count == 4 && box[2] > 100, "the pad is \(box)")
        try browser.touch(
            through: Self.one.map { (x: box[0] + $0.x * box[2], y: box[1] + $0.y * box[3]) })
        try browser.waitFor(
            """
            document.body.dataset.busy === '0'
              && document.querySelector('#prediction').dataset.state === 'ok'
              && document.querySelectorAll('#layers img').length > 0
            """, what: "the prediction of the 1 drawn by touch", timeout: 20)
        let predicted = try browser.evaluate("document.querySelector('#prediction').dataset.class")
        #expect(predicted as? String == "1", "a 1 drawn by touch is predicted \(predicted ?? "")")
        print("BrowserTests: a 1 drawn by touch at 360 px is predicted \(predicted ?? "nothing")")
    }
}
