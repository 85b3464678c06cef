import XMLKit

/// One reusable ``XMLSAXParser`` per thread. A scan parses two or three small parts of every file; creating
/// a libxml2 parser context (and its name dictionary) for each was a large share of the parsing cost. The
/// parser is borrowed for the duration of one parse, so a nested parse on the same thread simply gets a
/// fresh one.
enum ThreadXMLParser {
    private static let slots = ThreadSlots<XMLSAXParser>()

    /// Parses `bytes` with this thread's parser, reporting to `handler`.
    static func parse(
        _ bytes: [UInt8], options: XMLReaderOptions, handler: any XMLContentHandler
    ) throws(XMLError) {
        let slot = slots.current
        let parser = slot.value ?? XMLSAXParser()
        slot.value = nil
        defer { slot.value = parser }
        try parser.parse(bytes, options: options, handler: handler)
    }
}
