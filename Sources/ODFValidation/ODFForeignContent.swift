import XMLKit

/// ODF's rule for foreign elements and attributes (ODF 1.2 Part 1 §3.17 / 1.3 Part 3 §3.17; ODF 1.1 §1.5),
/// as the ODF Toolkit's validator applies it before checking extended conformance.
///
/// Elements and attributes outside the ODF namespaces are foreign. A foreign element's content is kept when
/// its `office:process-content` says `true`; without that attribute, from ODF 1.2 on it is kept only inside a
/// `text:p` or `text:h` (paragraph content), while ODF 1.0/1.1 keep it unless the attribute says `false`.
enum ODFForeignContent {
    static let office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    static let text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

    /// The namespaces the ODF schema itself uses (ODF 1.0/1.1); 1.2 adds XHTML (RDFa), GRDDL, database and `xml:`.
    static let namespaces10: Set<String> = [
        office, "urn:oasis:names:tc:opendocument:xmlns:style:1.0", text,
        "urn:oasis:names:tc:opendocument:xmlns:table:1.0", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0", "http://purl.org/dc/elements/1.1/",
        "urn:oasis:names:tc:opendocument:xmlns:meta:1.0", "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0", "urn:oasis:names:tc:opendocument:xmlns:chart:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:dr3d:1.0", "urn:oasis:names:tc:opendocument:xmlns:form:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:smil-compatible:1.0", "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:script:1.0", "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2002/xforms",
    ]
    static let namespaces12: Set<String> = namespaces10.union([
        "http://www.w3.org/1999/xhtml", "http://www.w3.org/2003/g/data-view#",
        "urn:oasis:names:tc:opendocument:xmlns:database:1.0", "http://www.w3.org/XML/1998/namespace",
    ])

    static func rule(for version: ODFVersion) -> XMLForeignContentRule {
        let modern = version.hasExtendedConformance
        return XMLForeignContentRule(
            ownNamespaces: modern ? namespaces12 : namespaces10,
            paragraphElements: ["\(text) p", "\(text) h"],
            processContentAttribute: (office, "process-content"),
            keepsContent: { processContent, insideParagraph in
                if let processContent { return processContent == "true" }
                return modern ? insideParagraph : true
            })
    }
}
