public import Foundation
import OverblikModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a catalog is made from, read but not parsed: the shipped resources and the user's files as bytes,
/// and a fingerprint of them.
///
/// Parsing the catalog (YAML through Codable) costs tens of milliseconds, a large part of an unchanged
/// rescan that classifies nothing and needs only the catalog's stamp. The stamp is a digest of the parsed
/// catalog, so it is a function of these bytes and of the code that parses and encodes them: a command can
/// remember the stamp under the fingerprint (which covers both) and parse only when a file needs classifying.
public struct CatalogSources: Sendable {
    /// The user files in order, with the text read from each.
    let userTexts: [(url: URL, text: String)]
    /// `sha256:` + hex over this build of Overblik and every input's bytes; nil when the running program
    /// cannot be identified (then nothing may be remembered under it).
    public let fingerprint: String?

    /// Reads the shipped resources and `userFiles` (a file that cannot be read is the same error as for
    /// ``ProductCatalog/load(userFiles:)``).
    public static func read(userFiles: [URL]) throws -> CatalogSources {
        var userTexts: [(url: URL, text: String)] = []
        for url in userFiles {
            do {
                userTexts.append((url, try String(contentsOf: url, encoding: .utf8)))
            } catch {
                throw CatalogError.unreadable(file: url.path, reason: "\(error.localizedDescription)")
            }
        }
        let shipped = try BundledCatalog.resourceTexts()
        guard let build = buildIdentity() else { return CatalogSources(userTexts: userTexts, fingerprint: nil) }
        // Every part with its length first, so no two different lists of inputs hash the same bytes.
        var bytes = Data()
        func append(_ text: String) {
            let utf8 = Data(text.utf8)
            withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(utf8)
        }
        append("overblik-catalog-sources-1")
        append(build)
        for text in shipped { append(text) }
        for (url, text) in userTexts {
            // The label (file name) is part of the catalog's version string, hence of the stamp.
            append(url.lastPathComponent)
            append(text)
        }
        return CatalogSources(
            userTexts: userTexts, fingerprint: SubmissionDigest.digest(ofCanonicalData: bytes))
    }

    /// The catalog these sources make: the same as ``ProductCatalog/load(userFiles:)`` on the same files,
    /// from the user files' bytes as read here.
    public func load() throws -> ProductCatalog {
        if userTexts.isEmpty { return try ProductCatalog.bundled() }
        let shipped = try BundledCatalog.shared.get()
        let layers = try userTexts.map {
            ($0.url.lastPathComponent, try CatalogFileParser.parse($0.text, file: $0.url.path))
        }
        return try ProductCatalog(base: shipped.entries, baseVersion: shipped.version, layers: layers)
    }

    /// The running program's version and executable file (device, inode, size, modification time): another
    /// build, which might parse or encode the catalog differently, gets another fingerprint.
    static func buildIdentity() -> String? {
        #if os(Linux)
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return
            "\(ToolInfo.version) \(info.st_dev) \(info.st_ino) \(info.st_size) "
            + "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        #else
        return nil
        #endif
    }
}
