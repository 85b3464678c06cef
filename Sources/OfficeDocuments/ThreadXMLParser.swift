import XMLKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One reusable ``XMLSAXParser`` per thread. A scan parses two or three small parts of every file; creating
/// a libxml2 parser context (and its name dictionary) for each was a large share of the parsing cost. The
/// parser is borrowed for the duration of one parse, so a nested parse on the same thread simply gets a
/// fresh one.
enum ThreadXMLParser {
    private final class Slot {
        var parser: XMLSAXParser?
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    private static var slot: Slot {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as! Slot
        }
        let slot = Slot()
        pthread_setspecific(key, Unmanaged<AnyObject>.passRetained(slot).toOpaque())
        return slot
    }

    /// Parses `bytes` with this thread's parser, reporting to `handler`.
    static func parse(
        _ bytes: [UInt8], options: XMLReaderOptions, handler: any XMLContentHandler
    ) throws(XMLError) {
        let slot = self.slot
        let parser = slot.parser ?? XMLSAXParser()
        slot.parser = nil
        defer { slot.parser = parser }
        try parser.parse(bytes, options: options, handler: handler)
    }
}
