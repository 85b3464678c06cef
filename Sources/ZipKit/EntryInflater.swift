import CLibDeflate
import CLibZip

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a stored or deflated entry in one call, inflating with a libdeflate decompressor kept per thread.
///
/// libzip's own read builds a chain of sources per entry and a fresh zlib stream with its 7 KB state and
/// 32 KB window, which for the one- or two-kilobyte parts a scan reads cost as much as the inflating itself.
/// Here the entry's bytes come as they are in the archive, straight from the buffer of an archive indexed in
/// memory (``CentralDirectory``), else copied out by libzip (`ZIP_FL_COMPRESSED`), and libdeflate inflates them
/// whole, straight into an output of the declared size (about three times zlib's speed on these
/// parts). Only a complete success is returned: the stream ends exactly at the declared size and the CRC-32
/// matches. Anything else returns `nil` and the caller reads through libzip as before, so every error (and every
/// entry longer or shorter than declared) is reported exactly as libzip reports it.
final class EntryInflater {
    /// Entries whose compressed size is above this are read through libzip (metadata parts are far smaller); the
    /// cap bounds the copy of their compressed bytes, which an archive in memory does not need.
    static let maxCompressedBytes = 4 << 20

    private let decompressor: OpaquePointer
    private var input: UnsafeMutableRawPointer?
    private var inputCapacity = 0

    private init?() {
        guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
        self.decompressor = decompressor
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
        free(input)
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<EntryInflater>.fromOpaque(pointer).release() }
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's inflater (made on first use).
    static var current: EntryInflater? {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<EntryInflater>.fromOpaque(pointer).takeUnretainedValue()
        }
        guard let inflater = EntryInflater() else { return nil }
        pthread_setspecific(key, Unmanaged.passRetained(inflater).toOpaque())
        return inflater
    }

    /// The entry's bytes, or `nil` when anything is not exactly as the central directory declares.
    func read(from archive: OpaquePointer, _ entry: ZipEntry) -> [UInt8]? {
        guard !entry.isEncrypted, entry.compressedSize <= UInt64(Self.maxCompressedBytes),
            entry.uncompressedSize < UInt64(UInt32.max)
        else { return nil }
        switch entry.compression {
        case .deflated: return inflate(from: archive, entry)
        case .stored where entry.compressedSize == entry.uncompressedSize: return copyStored(from: archive, entry)
        default: return nil
        }
    }

    /// A stored entry: its bytes as they are, when exactly the declared size and with the declared CRC-32.
    private func copyStored(from archive: OpaquePointer, _ entry: ZipEntry) -> [UInt8]? {
        let declared = Int(entry.uncompressedSize)
        guard let file = zip_fopen_index(archive, zip_uint64_t(entry.index), zip_flags_t(ZIP_FL_COMPRESSED)) else {
            return nil
        }
        defer { zip_fclose(file) }
        var complete = true
        let output = [UInt8](unsafeUninitializedCapacity: declared) { buffer, filled in
            while filled < declared {
                let got = zip_fread(file, buffer.baseAddress! + filled, zip_uint64_t(declared - filled))
                if got <= 0 {
                    complete = false
                    return
                }
                filled += Int(got)
            }
        }
        return complete && Self.crc(of: output) == entry.crc32 ? output : nil
    }

    private func inflate(from archive: OpaquePointer, _ entry: ZipEntry) -> [UInt8]? {
        let compressedCount = Int(entry.compressedSize)
        guard let input = reserveInput(compressedCount),
            let file = zip_fopen_index(archive, zip_uint64_t(entry.index), zip_flags_t(ZIP_FL_COMPRESSED))
        else { return nil }
        defer { zip_fclose(file) }
        var filled = 0
        while filled < compressedCount {
            let got = zip_fread(file, input + filled, zip_uint64_t(compressedCount - filled))
            if got <= 0 { return nil }
            filled += Int(got)
        }
        return inflate(UnsafeRawBufferPointer(start: input, count: compressedCount), entry)
    }

    /// The entry's bytes from its compressed bytes held in memory (an archive indexed by ``CentralDirectory``),
    /// with no copy of them: `nil` unless complete, exactly the declared size and with the declared CRC-32.
    func read(compressed: UnsafeRawBufferPointer, _ entry: ZipEntry) -> [UInt8]? {
        guard !entry.isEncrypted, entry.uncompressedSize < UInt64(UInt32.max),
            UInt64(compressed.count) == entry.compressedSize
        else { return nil }
        switch entry.compression {
        case .deflated: return inflate(compressed, entry)
        case .stored where entry.compressedSize == entry.uncompressedSize:
            let output = [UInt8](compressed)
            return Self.crc(of: output) == entry.crc32 ? output : nil
        default: return nil
        }
    }

    /// libdeflate inflates `input` whole into an output of the declared size.
    private func inflate(_ input: UnsafeRawBufferPointer, _ entry: ZipEntry) -> [UInt8]? {
        let declared = Int(entry.uncompressedSize)
        var result = LIBDEFLATE_BAD_DATA
        // One byte more than declared: filling it would mean the entry is longer than it says.
        let output = [UInt8](unsafeUninitializedCapacity: declared + 1) { buffer, initialized in
            var produced = 0
            result = libdeflate_deflate_decompress(
                decompressor, input.baseAddress, input.count, buffer.baseAddress, buffer.count, &produced)
            initialized = result == LIBDEFLATE_SUCCESS ? produced : 0
        }
        guard result == LIBDEFLATE_SUCCESS, output.count == declared else { return nil }
        return Self.crc(of: output) == entry.crc32 ? output : nil
    }

    private static func crc(of bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, $0.count) }
    }

    private func reserveInput(_ count: Int) -> UnsafeMutableRawPointer? {
        if count > inputCapacity || input == nil {
            free(input)
            input = malloc(max(count, 4096))
            inputCapacity = input == nil ? 0 : max(count, 4096)
        }
        return input
    }
}
