import XMLKit

/// One document checked against a schema: fed start tags, attributes, text and end tags (Clark's childDeriv,
/// streamed), from a tree (``TreeValidation``) or while the document is parsed (``StreamedValidation``). After an error it reports and recovers as Jing does, so that later errors
/// are reported too: a wrong element or attribute is skipped, an element whose content fails is treated as
/// complete.
final class ValidationRun {
    struct Frame {
        /// startTagOpenDeriv in the parent: its `after` parts say how the parent goes on after this element.
        var opened: PatternID
        /// The element's name, numbered by the engine.
        var name: Int32
        /// Just after the start tag: where problems with the tag are reported.
        var start: XMLPosition
        /// The element (or one of its ancestors) was refused: its content is not checked.
        var skipped = false
        var hadChildElement = false
        var text = ""
        /// Where the first piece of `text` other than whitespace ends: where Jing reports text that is not allowed
        /// (text the content checks as a value, data or list, is reported after the end tag instead).
        var textPosition: XMLPosition?
        var context: NamespaceContext
    }

    let engine: DerivativeEngine
    private var store: PatternStore {
        get { engine.store }
        _modify { yield &engine.store }
    }
    private(set) var current: PatternID
    /// The pattern while a start tag's attributes are taken.
    private var startTagState = PatternStore.notAllowed
    private var frames: [Frame] = []
    private(set) var issues: [XMLValidityIssue] = []
    let issueLimit: Int
    private let deadline: UInt64
    private var eventCount = 0
    private(set) var timedOut = false

    init(engine: DerivativeEngine, issueLimit: Int, cpuLimitNanoseconds: UInt64) {
        self.engine = engine
        self.issueLimit = issueLimit
        current = engine.schema.start
        deadline = CPUClock.threadNanoseconds() &+ cpuLimitNanoseconds
    }

    var shouldStop: Bool {
        eventCount &+= 1
        if eventCount & 255 == 0, CPUClock.threadNanoseconds() > deadline { timedOut = true }
        return timedOut || issues.count >= issueLimit
    }

    var issueLimitReached: Bool { issues.count >= issueLimit }

    /// Whether the document as a whole matched (after the walk).
    var isValid: Bool { issues.isEmpty && !timedOut && store.nullable(current) }

    /// An element starts (`name` is the engine's number for it): `false` when its content is not checked (it, or
    /// an ancestor, was refused). When `true`, its attributes follow through ``attribute(_:value:)``, then
    /// ``closeStartTag()``.
    func startElement(_ name: Int32, at start: XMLPosition, declarations: [(prefix: String, uri: String)]) -> Bool {
        var context = frames.last?.context ?? NamespaceContext()
        for declaration in declarations { context.bindings[declaration.prefix] = declaration.uri }
        if frames.last?.skipped == true {
            frames.append(Frame(opened: current, name: name, start: start, skipped: true, context: context))
            return false
        }
        flushText()
        if !frames.isEmpty { frames[frames.count - 1].hadChildElement = true }
        let opened = engine.startTagOpen(current, name)
        var frame = Frame(opened: opened, name: name, start: start, context: context)
        guard opened != PatternStore.notAllowed else {
            report(start, "element \(display(name, context)) not allowed here\(expectedElements(current, context))")
            // The parent goes on as if the element were not there.
            frame.opened = store.after(PatternStore.empty, current)
            frame.skipped = true
            frames.append(frame)
            return false
        }
        startTagState = opened
        frames.append(frame)
        return true
    }

    /// An attribute of the element just started (numbered as element names are).
    func attribute(_ name: Int32, value: String) {
        let index = frames.count - 1
        let next = engine.attribute(startTagState, name, value, frames[index].context)
        if next == PatternStore.notAllowed {
            reportAttribute(
                name, value, of: frames[index].name, in: startTagState, frames[index].start, frames[index].context)
        } else {
            startTagState = next
        }
    }

    /// The start tag is complete: `false` when a required attribute is missing (the content is then not checked).
    func closeStartTag() -> Bool {
        let index = frames.count - 1
        let closed = engine.startTagClose(startTagState)
        guard closed != PatternStore.notAllowed else {
            let context = frames[index].context
            let missing = Self.list(attributeNames(startTagState, required: true), context)
            report(
                frames[index].start,
                "element \(display(frames[index].name, context)) lacks a required attribute\(missing)")
            frames[index].skipped = true
            return false
        }
        current = closed
        return true
    }

    /// A piece of character data ending at `end`.
    func text(_ text: String, end: XMLPosition) {
        guard !frames.isEmpty, !frames[frames.count - 1].skipped else { return }
        frames[frames.count - 1].text += text
        if frames[frames.count - 1].textPosition == nil, !DerivativeEngine.isWhitespace(text) {
            frames[frames.count - 1].textPosition = end
        }
    }

    /// The element last started ends; `end` is just after its end tag.
    func endElement(at end: XMLPosition) {
        let frame = frames.removeLast()
        guard !frame.skipped else {
            if frames.last?.skipped != true { current = continuation(frame.opened) }
            return
        }
        var state = current
        if !frame.hadChildElement {
            // Only text (perhaps none): whitespace-only text may also count as no text at all (spec 6.2.7).
            let derived = engine.text(state, frame.text, frame.context)
            state = DerivativeEngine.isWhitespace(frame.text) ? store.choice(state, derived) : derived
            if state == PatternStore.notAllowed {
                // Content that takes no value (no data, value or list) refuses text where it is met, as Jing says.
                if let position = frame.textPosition, !store.textSensitive(current) {
                    report(position, "text not allowed in element \(display(frame.name, frame.context))")
                } else {
                    let shown = frame.text.count > 40 ? String(frame.text.prefix(40)) + "…" : frame.text
                    report(end, "element \(display(frame.name, frame.context)) has a bad value \"\(shown)\"")
                }
            }
        } else if !DerivativeEngine.isWhitespace(frame.text) {
            state = engine.text(state, frame.text, frame.context)
            if state == PatternStore.notAllowed {
                report(frame.textPosition ?? end, "text not allowed in element \(display(frame.name, frame.context))")
            }
        }
        let ended = state == PatternStore.notAllowed ? PatternStore.notAllowed : engine.endTag(state)
        if ended == PatternStore.notAllowed {
            if state != PatternStore.notAllowed {
                let expected = expectedElements(state, frame.context)
                report(end, "element \(display(frame.name, frame.context)) is incomplete\(expected)")
            }
            current = continuation(frame.opened)
        } else {
            current = ended
        }
    }

    /// Text met before a child element starts: whitespace is ignored between elements (spec 6.2.7).
    private func flushText() {
        guard let index = frames.indices.last else { return }
        let text = frames[index].text
        let position = frames[index].textPosition ?? .unknown
        frames[index].text = ""
        frames[index].textPosition = nil
        guard !DerivativeEngine.isWhitespace(text) else { return }
        let next = engine.text(current, text, frames[index].context)
        if next == PatternStore.notAllowed {
            report(position, "text not allowed here in element \(display(frames[index].name, frames[index].context))")
        } else {
            current = next
        }
    }

    /// How the parent goes on after an element whose start was `opened`, whatever its content was.
    private func continuation(_ opened: PatternID) -> PatternID {
        switch store[opened] {
        case .after(_, let rest): return rest
        case .choice(let a, let b): return store.choice(continuation(a), continuation(b))
        default: return PatternStore.notAllowed
        }
    }

    func report(_ position: XMLPosition, _ message: String) {
        guard issues.count < issueLimit else { return }
        issues.append(XMLValidityIssue(line: position.line, column: position.column, message: message))
    }
}
