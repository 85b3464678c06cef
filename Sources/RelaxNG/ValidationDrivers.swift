import XMLKit

/// Feeds a ``ValidationRun`` from a parsed tree (``XMLTree/walk(_:)``): for trees changed before the check (foreign
/// content removed) and for documents ``XMLEventParser`` leaves to the tree.
final class TreeValidation: XMLTreeVisitor {
    let run: ValidationRun

    init(_ run: ValidationRun) { self.run = run }

    var shouldStop: Bool { run.shouldStop }

    func startElement(_ element: XMLTreeElement) -> Bool {
        let engine = run.engine
        let name = engine.number(QualifiedName(namespaceURI: element.namespaceURI, localName: element.localName))
        guard run.startElement(name, at: element.position, declarations: element.namespaceDeclarations) else {
            return false
        }
        for attribute in element.attributes {
            let attributeName = QualifiedName(namespaceURI: attribute.namespaceURI, localName: attribute.localName)
            run.attribute(engine.number(attributeName), value: attribute.value)
        }
        return run.closeStartTag()
    }

    func text(_ text: String, end: XMLPosition) { run.text(text, end: end) }

    func endElement(at end: XMLPosition) { run.endElement(at: end) }
}

/// Feeds a ``ValidationRun`` while ``XMLEventParser`` parses the document: no tree is built, and names are numbered
/// by the addresses libxml2 keeps them at (no `String` is made for a name the engine has seen in this dictionary).
final class StreamedValidation: XMLEventHandler {
    let run: ValidationRun
    /// Just after the first element's start tag (where ``NativeRelaxNGSchema`` reports an incomplete document).
    private(set) var rootPosition: XMLPosition?
    /// Elements whose content is not checked, counted from the outermost one (its events are ignored).
    private var skippedDepth = 0
    /// Foreign content taken out before the check, when there is a rule for it.
    let foreign: ForeignContentFilter?

    init(_ run: ValidationRun, foreign: ForeignContentFilter? = nil) {
        self.run = run
        self.foreign = foreign
    }

    /// Only the time limit ends the parse: past the issue limit it goes on, to learn whether the rest is
    /// well-formed (a tree is parsed whole before it is checked).
    var shouldStop: Bool {
        _ = run.shouldStop
        return run.timedOut || foreign?.rootIsForeign == true
    }

    func startElement(_ element: XMLElementEvent) {
        if rootPosition == nil { rootPosition = element.position }
        if let foreign, !foreign.enter(element) { return }
        if skippedDepth > 0 || run.issueLimitReached {
            skippedDepth += 1
            return
        }
        let engine = run.engine
        let declarations = element.namespaceDeclarations
        guard run.startElement(engine.number(streamed: element.name), at: element.position, declarations: declarations)
        else {
            skippedDepth = 1
            return
        }
        for attribute in element.attributes {
            let name = engine.number(streamed: attribute.qualifiedName)
            if foreign?.isForeign(name) != true { run.attribute(name, value: attribute.value) }
        }
        if !run.closeStartTag() { skippedDepth = 1 }
    }

    func characters(_ text: UnsafeBufferPointer<UInt8>, end: XMLPosition) {
        guard skippedDepth == 0, !run.issueLimitReached, foreign?.keepsText ?? true else { return }
        run.text(String(decoding: text, as: UTF8.self), end: end)
    }

    func endElement(at end: XMLPosition) {
        if let foreign, !foreign.leave() { return }
        if skippedDepth > 0 {
            skippedDepth -= 1
            if skippedDepth > 0 { return }
        }
        guard !run.issueLimitReached else { return }
        run.endElement(at: end)
    }
}
