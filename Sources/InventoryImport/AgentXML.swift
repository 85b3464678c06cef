import Foundation
import XMLKit

/// FusionInventory / GLPI agent XML and OCS Inventory XML: one `<REQUEST><CONTENT>` per host, with
/// `HARDWARE/NAME` (the host), `SOFTWARES` elements (one per software item) and `VERSIONCLIENT`.
enum AgentXML {
    /// Agent documents nest four or five levels; anything far deeper is hostile.
    static let maxDepth = 64

    static func importXML(stream: TextStream, emitter: RecordEmitter) throws(ImportError) {
        guard emitter.options.organisation != nil else { throw .missingOrganisation(file: emitter.fileName) }
        // libxml2 decodes the document's own encoding declaration; give it the bytes as stored.
        let bytes = try stream.remainingRawBytes(limit: emitter.options.maxWholeFileBytes)
        do {
            try read(bytes, emitter: emitter)
        } catch let error as XMLError {
            throw convert(error, file: emitter.fileName)
        } catch let error as ImportError {
            throw error
        } catch {
            throw .malformed(file: emitter.fileName, format: "agent XML", line: nil, reason: "\(error)")
        }
    }

    static func convert(_ error: XMLError, file: String) -> ImportError {
        switch error {
        case .tooDeep(let depth, let line): .nestingTooDeep(file: file, line: line, limit: depth)
        case .forbiddenDTD(let line):
            .malformed(file: file, format: "XML", line: line, reason: "a DTD is refused (entity definitions)")
        case .malformed(let message, let line, _): .malformed(file: file, format: "XML", line: line, reason: message)
        case .inputTooLarge(let bytes): .fileTooLarge(file: file, size: Int64(bytes), limit: Int64(bytes))
        }
    }

    private struct Software {
        var line: Int
        var fields: [String: String] = [:]
    }

    private static func read(_ bytes: [UInt8], emitter: RecordEmitter) throws {
        let reader = try XMLStreamReader(bytes: bytes, options: XMLReaderOptions(maxDepth: maxDepth))
        var path: [String] = []
        var text = ""
        var softwares: [Software] = []
        var current: Software?
        var hostName: String?
        var deviceID: String?
        var client: String?
        var osName: String?
        var sawRequest = false
        while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                if start.depth == 0 { sawRequest = start.localName == "REQUEST" }
                path.append(start.localName)
                text = ""
                if start.localName == "SOFTWARES" && path.count == 3 { current = Software(line: reader.line) }
            case .text(let chunk, _):
                text += chunk
            case .endElement(let name, _, _):
                let value = text.trimmedField
                let parent = path.count >= 2 ? path[path.count - 2] : ""
                if parent == "SOFTWARES", current != nil, !value.isEmpty {
                    current?.fields[name] = value
                } else if name == "SOFTWARES", let software = current {
                    softwares.append(software)
                    current = nil
                } else if parent == "HARDWARE", name == "NAME", !value.isEmpty {
                    hostName = value
                } else if parent == "HARDWARE", name == "OSNAME", !value.isEmpty {
                    osName = osName ?? value
                } else if parent == "OPERATINGSYSTEM", name == "NAME", !value.isEmpty {
                    osName = value
                } else if name == "DEVICEID", path.count == 2, !value.isEmpty {
                    deviceID = value
                } else if name == "VERSIONCLIENT", !value.isEmpty {
                    client = value
                }
                path.removeLast()
                text = ""
            }
        }
        guard sawRequest else {
            throw ImportError.unrecognisedFormat(file: emitter.fileName, detail: "XML without a <REQUEST> root")
        }
        if let host = hostName ?? deviceID { emitter.fileHost = host }
        emitter.report.variant = variant(client: client)
        let platform = JSONFormats.platform(from: nil, osName: osName)
        for software in softwares {
            emitter.report.linesRead += 1
            guard let name = software.fields["NAME"] else {
                emitter.unreadable(line: software.line, "SOFTWARES without NAME")
                continue
            }
            var item = RawItem(line: software.line, title: name)
            item.version = software.fields["VERSION"]
            item.publisher = software.fields["PUBLISHER"]
            item.package =
                software.fields["GUID"]
                ?? (software.fields["FROM"].map { ["deb", "rpm"].contains($0) } == true ? name : nil)
            item.platform = JSONFormats.platform(from: software.fields["FROM"], osName: osName) ?? platform
            if let date = software.fields["INSTALLDATE"] { item.installDate = ValueParsing.date(date) }
            try emitter.emit(item)
        }
    }

    static func variant(client: String?) -> String {
        guard let client = client?.lowercased() else { return "agent-xml" }
        if client.contains("fusioninventory") { return "fusioninventory" }
        if client.contains("glpi") { return "glpi-agent" }
        if client.contains("ocs") { return "ocs-inventory" }
        return "agent-xml"
    }
}
