import Foundation
import XMLKit

/// One document checked against a schema: walks the tree, feeding the engine start tags, attributes, text and end
/// tags (Clark's childDeriv, streamed). After an error it reports and recovers as Jing does, so that later errors
/// are reported too: a wrong element or attribute is skipped, an element whose content fails is treated as
/// complete.
final class ValidationRun: XMLTreeVisitor {
    struct Frame {
        /// startTagOpenDeriv in the parent: its `after` parts say how the parent goes on after this element.
        var opened: PatternID
        var name: QualifiedName
        var line: Int
        /// The element (or one of its ancestors) was refused: its content is not checked.
        var skipped = false
        var hadChildElement = false
        var text = ""
        var context: NamespaceContext
    }

    let engine: DerivativeEngine
    private var store: PatternStore {
        get { engine.store }
        _modify { yield &engine.store }
    }
    private(set) var current: PatternID
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

    /// Whether the document as a whole matched (after the walk).
    var isValid: Bool { issues.isEmpty && !timedOut && store.nullable(current) }

    func startElement(_ element: XMLTreeElement) -> Bool {
        var context = frames.last?.context ?? NamespaceContext()
        for declaration in element.namespaceDeclarations { context.bindings[declaration.prefix] = declaration.uri }
        let name = QualifiedName(namespaceURI: element.namespaceURI, localName: element.localName)
        if frames.last?.skipped == true {
            frames.append(Frame(opened: current, name: name, line: element.line, skipped: true, context: context))
            return false
        }
        flushText(before: element.line)
        if !frames.isEmpty { frames[frames.count - 1].hadChildElement = true }
        let opened = engine.startTagOpen(current, engine.number(name))
        var frame = Frame(opened: opened, name: name, line: element.line, context: context)
        guard opened != PatternStore.notAllowed else {
            report(
                element.line, "element \(display(name, context)) not allowed here\(expectedElements(current, context))")
            // The parent goes on as if the element were not there.
            frame.opened = store.after(PatternStore.empty, current)
            frame.skipped = true
            frames.append(frame)
            return false
        }
        var state = opened
        for attribute in element.attributes {
            let attributeName = QualifiedName(namespaceURI: attribute.namespaceURI, localName: attribute.localName)
            let next = engine.attribute(state, engine.number(attributeName), attribute.value, context)
            if next == PatternStore.notAllowed {
                reportAttribute(attributeName, attribute.value, of: name, in: state, element.line, context)
            } else {
                state = next
            }
        }
        let closed = engine.startTagClose(state)
        guard closed != PatternStore.notAllowed else {
            let missing = Self.list(attributeNames(state, required: true), context)
            report(element.line, "element \(display(name, context)) lacks a required attribute\(missing)")
            frame.skipped = true
            frames.append(frame)
            return false
        }
        current = closed
        frames.append(frame)
        return true
    }

    func text(_ text: String) {
        guard !frames.isEmpty, !frames[frames.count - 1].skipped else { return }
        frames[frames.count - 1].text += text
    }

    func endElement() {
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
                let shown = frame.text.count > 40 ? String(frame.text.prefix(40)) + "…" : frame.text
                report(frame.line, "element \(display(frame.name, frame.context)) has a bad value \"\(shown)\"")
            }
        } else if !DerivativeEngine.isWhitespace(frame.text) {
            state = engine.text(state, frame.text, frame.context)
            if state == PatternStore.notAllowed {
                report(frame.line, "text not allowed in element \(display(frame.name, frame.context))")
            }
        }
        let ended = state == PatternStore.notAllowed ? PatternStore.notAllowed : engine.endTag(state)
        if ended == PatternStore.notAllowed {
            if state != PatternStore.notAllowed {
                let expected = expectedElements(state, frame.context)
                report(frame.line, "element \(display(frame.name, frame.context)) is incomplete\(expected)")
            }
            current = continuation(frame.opened)
        } else {
            current = ended
        }
    }

    /// Text met before a child element starts: whitespace is ignored between elements (spec 6.2.7).
    private func flushText(before line: Int) {
        guard let index = frames.indices.last else { return }
        let text = frames[index].text
        frames[index].text = ""
        guard !DerivativeEngine.isWhitespace(text) else { return }
        let next = engine.text(current, text, frames[index].context)
        if next == PatternStore.notAllowed {
            report(line, "text not allowed here in element \(display(frames[index].name, frames[index].context))")
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

    func report(_ line: Int, _ message: String) {
        guard issues.count < issueLimit else { return }
        issues.append(XMLValidityIssue(line: line, column: 0, message: message))
    }
}
