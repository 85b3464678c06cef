/// Something in a document's structure that matters in a move to ODF: macros, encryption, signatures, embedded
/// and linked content, templates. Found from package structure only (entry names, content types, storage names,
/// header flags), never from document text or macro code.
///
/// Stable raw values: written in scan records (`features`) and, later, counted in submissions.
public enum DocumentFeature: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable, Comparable {
    /// A VBA project (`vbaProject.bin`; the `Macros`, `_VBA_PROJECT_CUR` or `VBA` storages).
    case vba
    /// LibreOffice / OpenOffice.org Basic libraries or dialogs (`Basic/`, `Dialogs/`).
    case basic
    /// Scripts in other languages stored in an ODF package (`Scripts/`: Python, JavaScript, BeanShell).
    case scripts
    /// Excel 4 (XLM) macro sheets.
    case xlmMacros = "xlm-macros"
    /// ActiveX controls.
    case activeX = "activex"
    /// Embedded objects (OLE objects, embedded packages; ODF `Object N/`).
    case oleObjects = "ole-objects"
    /// Links to other workbooks.
    case externalLinks = "external-links"
    /// Data connections (databases, queries, web sources).
    case dataConnections = "data-connections"
    /// A custom ribbon or toolbar (`customUI/`).
    case customUI = "custom-ui"
    /// A digital signature of the document or of its macros.
    case signed
    /// Encrypted (password-protected) content.
    case encrypted
    /// A template (`.ott`, `.dotx`, `.dotm`, `.xlt`, ...): every document made from it inherits what it carries.
    case template

    /// Declaration order: the order features are written in.
    public static func < (lhs: DocumentFeature, rhs: DocumentFeature) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension DocumentFeature {
    /// The stored form of a feature set: raw values in declaration order, joined by commas; empty for none.
    public static func storedText(_ features: Set<DocumentFeature>) -> String {
        // Most documents have none: no sort, array or join for them (one per stored row).
        if features.isEmpty { return "" }
        return features.sorted().map(\.rawValue).joined(separator: ",")
    }

    /// The features of a stored text (``storedText(_:)``); names this build does not know are left out.
    public static func features(storedText text: String) -> [DocumentFeature] {
        text.split(separator: ",").compactMap { DocumentFeature(rawValue: String($0)) }
    }
}
