import Foundation
import XMLKit

/// CycloneDX XML (`<bom xmlns="http://cyclonedx.org/schema/bom/1.x">`): turned into the shape the JSON form
/// has (elements as objects, attributes as keys, `<components>` and the other list elements as arrays) and read
/// by the CycloneDX JSON reader, so both forms give the same records.
enum CycloneDXXML {
    /// Elements that are lists in the JSON form.
    static let listElements: Set<String> = [
        "components", "services", "licenses", "hashes", "externalReferences", "tools", "authors", "properties",
        "dependencies", "vulnerabilities", "compositions", "annotations", "formulation", "data",
    ]
    static let maxDepth = 256

    static func importXML(stream: TextStream, emitter: RecordEmitter) throws(ImportError) {
        guard emitter.options.organisation != nil else { throw .missingOrganisation(file: emitter.fileName) }
        let bytes = try stream.remainingRawBytes(limit: emitter.options.maxWholeFileBytes)
        let root: [String: Any]
        do {
            root = try document(bytes, file: emitter.fileName)
        } catch let error as XMLError {
            throw AgentXML.convert(error, file: emitter.fileName)
        } catch let error as ImportError {
            throw error
        } catch {
            throw .malformed(file: emitter.fileName, format: "CycloneDX XML", line: nil, reason: "\(error)")
        }
        try JSONFormats.cyclonedx(root, emitter: emitter)
    }

    private final class Frame {
        let name: String
        var object: [String: Any] = [:]
        var list: [Any] = []
        var text = ""
        var hasChildren = false

        init(name: String) { self.name = name }
    }

    /// The document as the JSON form's object: `bomFormat` and `specVersion` (from the namespace) added.
    static func document(_ bytes: [UInt8], file: String) throws -> [String: Any] {
        let reader = try XMLStreamReader(bytes: bytes, options: XMLReaderOptions(maxDepth: maxDepth))
        var stack: [Frame] = []
        var result: [String: Any]?
        var namespace = ""
        while let event = try reader.next() {
            switch event {
            case .startElement(let start):
                if start.depth == 0 {
                    guard start.localName == "bom", start.namespaceURI.contains("cyclonedx.org/schema/bom") else {
                        throw ImportError.notAnInventory(
                            file: file, what: "XML whose root element is <\(start.localName)>, not a CycloneDX <bom>")
                    }
                    namespace = start.namespaceURI
                }
                stack.last?.hasChildren = true
                let frame = Frame(name: start.localName)
                for attribute in start.attributes where attribute.namespaceURI.isEmpty {
                    frame.object[attribute.localName] = attribute.value
                }
                stack.append(frame)
            case .text(let chunk, _):
                stack.last?.text += chunk
            case .endElement:
                let frame = stack.removeLast()
                let value: Any
                if listElements.contains(frame.name) && stack.count >= 1 {
                    value = frame.list
                } else if !frame.hasChildren && frame.object.isEmpty {
                    value = frame.text.trimmedField
                } else {
                    if !frame.hasChildren, !frame.text.trimmedField.isEmpty {
                        frame.object["content"] = frame.text.trimmedField
                    }
                    value = frame.object
                }
                guard let parent = stack.last else {
                    result = value as? [String: Any]
                    continue
                }
                if listElements.contains(parent.name) && stack.count >= 2 {
                    parent.list.append(value)
                } else if parent.object[frame.name] == nil {
                    parent.object[frame.name] = value
                }
            }
        }
        var root = result ?? [:]
        root["bomFormat"] = "CycloneDX"
        if let version = namespace.split(separator: "/").last { root["specVersion"] = String(version) }
        return root
    }
}
