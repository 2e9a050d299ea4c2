import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools pipe: one page (a flattened session on a new
/// target), scripts, synthetic mouse input and screenshots.
///
/// ```swift
/// let browser = try HeadlessBrowser(chromium: "/usr/bin/chromium", folder: tmp)
/// defer { browser.quit() }
/// try browser.navigate(to: "http://127.0.0.1:8080/")
/// let title = try browser.evaluate("document.title") as? String
/// ```
final class HeadlessBrowser {
    /// The browser process.
    let process: ChildProcess
    /// The protocol client.
    let devTools: DevToolsPipe
    /// The page's flattened session id.
    private(set) var session = ""
    /// Where Chromium's standard output and error go.
    let logPath: String

    /// Starts `chromium` headless with a fresh profile in `folder` and opens a blank page of
    /// `width × height` CSS pixels. No command or wait goes past `deadline`.
    /// - Throws: ``BrowserTestError`` if the browser does not start or answer within 20 s.
    init(
        chromium: String, folder: URL, width: Int = 1280, height: Int = 900,
        deadline: Date = .distantFuture
    ) throws {
        let commands = try ChildProcess.pipe()  // we write, the browser reads fd 3
        let events = try ChildProcess.pipe()  // the browser writes fd 4, we read
        logPath = folder.appendingPathComponent("chromium.log").path
        let log = try ChildProcess.openForWriting(logPath)
        defer { _ = close(log) }
        let profile = folder.appendingPathComponent("profile").path
        do {
            process = try ChildProcess(
                chromium,
                [
                    "--headless=new", "--no-sandbox", "--remote-debugging-pipe",
                    "--user-data-dir=\(profile)", "--no-first-run", "--no-default-browser-check",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
                    "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--window-size=\(width),\(height)", "about:blank",
                ],
                descriptors: [1: log, 2: log, 3: commands.read, 4: events.write])
        } catch {
            [commands.read, commands.write, events.read, events.write].forEach { _ = close($0) }
            throw error
        }
        // Only the browser keeps these ends, so its exit is end of file here.
        _ = close(commands.read)
        _ = close(events.write)
        devTools = DevToolsPipe(toBrowser: commands.write, fromBrowser: events.read)
        devTools.deadline = deadline
        do {
            try openPage(width: width, height: height)
        } catch {
            quit()
            throw error
        }
    }

    /// Creates a page target, attaches to it (flattened) and enables what the tests use.
    private func openPage(width: Int, height: Int) throws {
        let created = try devTools.send(
            "Target.createTarget", ["url": "about:blank"], timeout: 20)
        guard let targetID = created["targetId"] as? String else {
            throw BrowserTestError.protocolError(
                method: "Target.createTarget", message: "no targetId in \(created)")
        }
        let attached = try devTools.send(
            "Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else {
            throw BrowserTestError.protocolError(
                method: "Target.attachToTarget", message: "no sessionId in \(attached)")
        }
        self.session = session
        try send("Page.enable")
        try send("Runtime.enable")
        try resize(width: width, height: height)
    }

    /// Sends `method` to the page's session.
    @discardableResult
    func send(_ method: String, _ params: DevToolsPipe.Object = [:], timeout: TimeInterval = 10)
        throws -> DevToolsPipe.Object
    {
        try devTools.send(method, params, session: session, timeout: timeout)
    }

    /// Sets the viewport to `width × height` CSS pixels (`mobile` for a phone's layout).
    func resize(width: Int, height: Int, mobile: Bool = false) throws {
        try send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile])
    }

    /// Loads `url` in the page and waits for its `load` event's effect (`document.readyState`
    /// complete).
    func navigate(to url: String, timeout: TimeInterval = 15) throws {
        let answer = try send("Page.navigate", ["url": url], timeout: timeout)
        if let error = answer["errorText"] as? String {
            throw BrowserTestError.protocolError(method: "Page.navigate", message: error)
        }
        try waitFor("document.readyState === 'complete'", what: "\(url) to load", timeout: timeout)
    }

    /// The value of a JavaScript expression (promises awaited), as JSON types.
    /// - Throws: ``BrowserTestError/scriptFailed(expression:message:)`` if it throws.
    @discardableResult
    func evaluate(_ expression: String, timeout: TimeInterval = 10) throws -> Any? {
        let answer = try send(
            "Runtime.evaluate",
            ["expression": expression, "returnByValue": true, "awaitPromise": true],
            timeout: timeout)
        if let details = answer["exceptionDetails"] as? DevToolsPipe.Object {
            let exception = details["exception"] as? DevToolsPipe.Object
            throw BrowserTestError.scriptFailed(
                expression: expression,
                message: exception?["description"] as? String ?? "\(details)")
        }
        return (answer["result"] as? DevToolsPipe.Object)?["value"]
    }

    /// Polls `condition` (a JavaScript expression) every 50 ms until it is `true`.
    /// - Throws: ``BrowserTestError/timeout(_:)`` naming `what` after `timeout` seconds (or
    /// at the browser's deadline).
    func waitFor(_ condition: String, what: String, timeout: TimeInterval) throws {
        let deadline = min(Date().addingTimeInterval(timeout), devTools.deadline)
        while true {
            if try evaluate("Boolean(\(condition))") as? Bool == true { return }
            if Date() >= deadline { throw BrowserTestError.timeout(what) }
            usleep(50_000)
        }
    }

    /// Draws a stroke through `points` (CSS pixels) with the left mouse button: pressed at the
    /// first, moved through the others in steps of at most 6 px, released at the last unless
    /// `release` is false (then ``releaseMouse(at:)`` ends it). Chromium turns these into
    /// Pointer Events.
    func drag(through points: [(x: Double, y: Double)], release: Bool = true) throws {
        guard let first = points.first, let last = points.last else { return }
        try mouse("mouseMoved", first, buttons: 0)
        try mouse("mousePressed", first, buttons: 1)
        var previous = first
        for point in points.dropFirst() {
            let length = hypot(point.x - previous.x, point.y - previous.y)
            let steps = max(1, Int((length / 6).rounded(.up)))
            for step in 1...steps {
                let t = Double(step) / Double(steps)
                let x = previous.x + t * (point.x - previous.x)
                try mouse("mouseMoved", (x, previous.y + t * (point.y - previous.y)), buttons: 1)
            }
            previous = point
        }
        if release { try releaseMouse(at: last) }
    }

    /// Drags the file at `path` from outside the page and drops it at `point` (drag enter,
    /// drag over, drop: the page sees HTML drag-and-drop events with the file).
    func dropFile(_ path: String, at point: (x: Double, y: Double)) throws {
        let data: DevToolsPipe.Object = ["items": [], "files": [path], "dragOperationsMask": 1]
        for type in ["dragEnter", "dragOver", "drop"] {
            try send(
                "Input.dispatchDragEvent",
                ["type": type, "x": point.x, "y": point.y, "data": data])
        }
    }

    /// Moves the mouse to `point` with no button down (hovering).
    func hover(at point: (x: Double, y: Double)) throws {
        try mouse("mouseMoved", point, buttons: 0)
    }

    /// Releases the left mouse button at `point`.
    func releaseMouse(at point: (x: Double, y: Double)) throws {
        try mouse("mouseReleased", point, buttons: 0)
    }

    /// Draws a stroke through `points` (CSS pixels) with one finger: touch start, moves in
    /// steps of at most 6 px, touch end (Chromium turns these into Pointer Events of type
    /// touch). Turns touch emulation on first.
    func touch(through points: [(x: Double, y: Double)]) throws {
        guard let first = points.first else { return }
        try send("Emulation.setTouchEmulationEnabled", ["enabled": true, "maxTouchPoints": 1])
        func finger(_ type: String, _ point: (x: Double, y: Double)?) throws {
            let touches = point.map { [["x": $0.x, "y": $0.y]] } ?? []
            try send("Input.dispatchTouchEvent", ["type": type, "touchPoints": touches])
        }
        try finger("touchStart", first)
        var previous = first
        for point in points.dropFirst() {
            let length = hypot(point.x - previous.x, point.y - previous.y)
            let steps = max(1, Int((length / 6).rounded(.up)))
            for step in 1...steps {
                let t = Double(step) / Double(steps)
                let x = previous.x + t * (point.x - previous.x)
                try finger("touchMove", (x, previous.y + t * (point.y - previous.y)))
            }
            previous = point
        }
        try finger("touchEnd", nil)
    }

    /// One `Input.dispatchMouseEvent` of the left button.
    private func mouse(_ type: String, _ point: (x: Double, y: Double), buttons: Int) throws {
        try send(
            "Input.dispatchMouseEvent",
            [
                "type": type, "x": point.x, "y": point.y, "button": "left", "buttons": buttons,
                "clickCount": 1, "pointerType": "mouse",
            ])
    }

    /// A PNG screenshot of the viewport.
    func screenshot() throws -> Data {
        let answer = try send("Page.captureScreenshot", ["format": "png"], timeout: 20)
        guard let base64 = answer["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw BrowserTestError.protocolError(
                method: "Page.captureScreenshot", message: "no base64 data in the answer")
        }
        return data
    }

    /// Asks the browser to close (so it reaps its helpers), closes the pipe, and ends what is
    /// left of its process group after 3 s. Safe to call more than once.
    func quit() {
        devTools.deadline = Date().addingTimeInterval(2)  // even past the test's deadline
        if process.isRunning { _ = try? devTools.send("Browser.close", timeout: 2) }
        devTools.close()
        process.wait(timeout: 3)
        process.kill()
    }
}
