import Testing
import XMLKit

@Suite struct XMLStreamReaderTests {
    func events(_ xml: String, options: XMLReaderOptions = .default) throws(XMLError) -> [XMLEvent] {
        let reader = try XMLStreamReader(bytes: Array(xml.utf8), options: options)
        var result: [XMLEvent] = []
        while let event = try reader.next() { result.append(event) }
        return result
    }

    func isForbiddenDTD(_ error: any Error) -> Bool {
        if case XMLError.forbiddenDTD = error { return true }
        return false
    }

    let officeNS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    let metaNS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"

    @Test func reportsNamespacedElementsAttributesTextAndDepth() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-meta xmlns:office="\(officeNS)" xmlns:meta="\(metaNS)" office:version="1.3">\
            <office:meta><meta:generator>LibreOffice/7.4</meta:generator>\
            <meta:document-statistic meta:page-count="2"/><![CDATA[x<y]]></office:meta></office:document-meta>
            """
        let got = try events(xml)
        let expected: [XMLEvent] = [
            .startElement(
                XMLElementStart(
                    localName: "document-meta", namespaceURI: officeNS,
                    attributes: [XMLAttribute(localName: "version", namespaceURI: officeNS, value: "1.3")], depth: 0,
                    isEmpty: false)),
            .startElement(
                XMLElementStart(localName: "meta", namespaceURI: officeNS, attributes: [], depth: 1, isEmpty: false)),
            .startElement(
                XMLElementStart(
                    localName: "generator", namespaceURI: metaNS, attributes: [], depth: 2, isEmpty: false)),
            .text("LibreOffice/7.4", depth: 3),
            .endElement(localName: "generator", namespaceURI: metaNS, depth: 2),
            .startElement(
                XMLElementStart(
                    localName: "document-statistic", namespaceURI: metaNS,
                    attributes: [XMLAttribute(localName: "page-count", namespaceURI: metaNS, value: "2")], depth: 2,
                    isEmpty: true)),
            .endElement(localName: "document-statistic", namespaceURI: metaNS, depth: 2),
            .text("x<y", depth: 2),
            .endElement(localName: "meta", namespaceURI: officeNS, depth: 1),
            .endElement(localName: "document-meta", namespaceURI: officeNS, depth: 0),
        ]
        #expect(got == expected)
    }

    @Test func callerCanStopEarlyBeforeMalformedTail() throws {
        // The document breaks far after the first element; stopping at the root never parses that far.
        let body = String(repeating: "<child>text</child>", count: 20_000)
        let reader = try XMLStreamReader(bytes: Array("<root a='1'>\(body)</oops>".utf8))
        let first = try reader.next()
        guard case .startElement(let start) = first else {
            Issue.record("expected a start element, got \(String(describing: first))")
            return
        }
        #expect(start.localName == "root")
        #expect(start.attribute("a", namespace: "") == "1")
        // Reading on does reach the fault.
        #expect(throws: XMLError.self) { while try reader.next() != nil {} }
    }

    @Test func malformedXMLIsReportedWithLine() throws {
        do {
            _ = try events("<a>\n<b>\n</a>")
            Issue.record("expected malformed")
        } catch {
            guard case .malformed(let message, let line, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(line == 3)
            #expect(!message.isEmpty)
        }
    }

    /// libxml2 reports bytes that are not UTF-8 on two lines ("Input is not proper UTF-8, indicate encoding !",
    /// then "Bytes: 0xD7 0x20 0x3C 0x2F"); every reader gives them as one, so an error line naming the file is
    /// never followed by a line that names none.
    @Test func aMessageLibxml2WritesOnTwoLinesIsReportedOnOne() throws {
        let bytes =
            Array("<inventory>\n<title>Word</title>\n<title>".utf8) + [0xD7, 0x20] + Array("</title></inventory>".utf8)
        var messages: [String] = []
        do {
            let reader = try XMLStreamReader(bytes: bytes)
            while try reader.next() != nil {}
        } catch {
            messages.append("\(error)")
        }
        do {
            _ = try XMLTree(bytes: bytes)
        } catch {
            messages.append("\(error)")
        }
        #expect(messages.count == 2)
        for message in messages {
            #expect(message.contains("line 3"), "\(message)")
            #expect(message.contains("not proper UTF-8") && message.contains("Bytes: 0xD7 0x20"), "\(message)")
            #expect(!message.contains("\n") && !message.contains("\r"), "\(message)")
        }
    }

    @Test func doctypeIsRefusedEvenWithoutEntities() throws {
        #expect { try events("<!DOCTYPE a><a/>") } throws: { isForbiddenDTD($0) }
    }

    @Test func externalEntityIsRefused() throws {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE meta [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <meta>&xxe;</meta>
            """
        let got = try? events(xxe)
        #expect(got == nil)
        #expect { try events(xxe) } throws: { isForbiddenDTD($0) }
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            let previous = String(repeating: "&lol\(level - 1);", count: 10)
            entities += "<!ENTITY lol\(level) \"\(previous)\">"
        }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]><lolz>&lol9;</lolz>"
        #expect { try events(xml) } throws: { isForbiddenDTD($0) }
    }

    @Test func deepNestingIsCapped() throws {
        let depth = 500
        let xml = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect(throws: XMLError.tooDeep(depth: 64, line: 1)) {
            try events(xml, options: XMLReaderOptions(maxDepth: 64))
        }
        // Nesting within the cap reads fine.
        let shallow = String(repeating: "<a>", count: 60) + String(repeating: "</a>", count: 60)
        #expect(try events(shallow, options: XMLReaderOptions(maxDepth: 64)).count == 120)
    }

    @Test func externalOnlyDoctypeIsAcceptedOnlyWhenAllowed() throws {
        let ooo = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE office:document-meta PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "office.dtd">
            <office:document-meta xmlns:office="http://openoffice.org/2000/office" office:version="1.0"/>
            """
        #expect { try events(ooo) } throws: { isForbiddenDTD($0) }
        let allowed = try events(ooo, options: XMLReaderOptions(allowsExternalDoctype: true))
        #expect(allowed.count == 2)
        // An internal subset stays refused even when external DOCTYPEs are allowed.
        let xxe = """
            <!DOCTYPE m SYSTEM "office.dtd" [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <m>&xxe;</m>
            """
        #expect {
            try events(xxe, options: XMLReaderOptions(allowsExternalDoctype: true))
        } throws: { isForbiddenDTD($0) }
        let laughs = "<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><m>&b;</m>"
        #expect {
            try events(laughs, options: XMLReaderOptions(allowsExternalDoctype: true))
        } throws: { isForbiddenDTD($0) }
    }

    @Test func undeclaredEntityIsMalformed() throws {
        do {
            _ = try events("<a>&nope;</a>")
            Issue.record("expected an error")
        } catch {
            guard case .malformed = error else {
                Issue.record("got \(error)")
                return
            }
        }
    }

    @Test func predefinedEntitiesAndCharacterReferencesAreDecoded() throws {
        #expect(try events("<a>&lt;&#230;&#x00F8;</a>")[1] == .text("<æø", depth: 1))
    }

    @Test func skipElementJumpsPastSubtree() throws {
        let reader = try XMLStreamReader(bytes: Array("<r><skip><x>1</x><y/></skip><keep/></r>".utf8))
        _ = try reader.next()  // r
        guard case .startElement(let skip) = try reader.next() else {
            Issue.record("expected skip")
            return
        }
        try reader.skipElement(skip)
        guard case .startElement(let keep) = try reader.next() else {
            Issue.record("expected keep")
            return
        }
        #expect(keep.localName == "keep")
    }

    @Test func latin1DeclaredEncodingIsHonoured() throws {
        let bytes: [UInt8] =
            Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>".utf8) + [0xE6] + Array("</a>".utf8)
        let reader = try XMLStreamReader(bytes: bytes)
        _ = try reader.next()
        #expect(try reader.next() == .text("æ", depth: 1))
    }

    @Test(arguments: [
        ("<a/>", true),
        ("<?xml version='1.0'?><a/>", true),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><a/>", true),
        ("<?xml version='1.0' encoding = 'utf8'?><a/>", true),
        ("\u{FEFF}<?xml version='1.0'?><a/>", false),  // byte-order mark
        ("<?xml version='1.0' encoding='ISO-8859-1'?><a/>", false),
        ("  <a/>", false),
        ("<?xml version='1.0' encoding='UTF-8'", false),  // declaration never ends
    ])
    func onlyPlainUTF8DocumentsReuseAParser(_ row: (String, Bool)) {
        #expect(XMLSAXParser.isReusable(for: Array(row.0.utf8)) == row.1)
    }
}
