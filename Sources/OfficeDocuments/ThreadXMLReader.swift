import XMLKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One reusable ``XMLStreamReader`` per thread. A scan parses two or three small parts of every file;
/// creating a libxml2 reader (parser context, name dictionary, buffers) for each was a large share of the
/// parsing cost. The reader is borrowed for the duration of one parse, so a nested parse on the same thread
/// simply gets a fresh reader, and a thread keeps at most one reader with a bounded buffer.
enum ThreadXMLReader {
    /// Larger parts get a reader of their own, so no thread keeps a large buffer after a large part.
    static let maxReusedBytes = 256 << 10

    private final class Slot {
        var reader: XMLStreamReader?
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

    /// Runs `body` on a reader positioned at the start of `bytes`.
    static func parse<T>(
        _ bytes: [UInt8], options: XMLReaderOptions, _ body: (XMLStreamReader) throws(XMLError) -> T
    ) throws(XMLError) -> T {
        guard bytes.count <= maxReusedBytes, XMLStreamReader.isReusable(for: bytes) else {
            return try body(try XMLStreamReader(bytes: bytes, options: options))
        }
        let slot = self.slot
        if let reader = slot.reader {
            slot.reader = nil
            defer { slot.reader = reader }
            try reader.reset(bytes: bytes, options: options)
            return try body(reader)
        }
        let reader = try XMLStreamReader(bytes: bytes, options: options)
        defer { if slot.reader == nil { slot.reader = reader } }
        return try body(reader)
    }
}
