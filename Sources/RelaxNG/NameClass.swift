/// An expanded name: namespace URI ("" for none) and local name.
struct QualifiedName: Hashable, Sendable, CustomStringConvertible {
    var namespaceURI: String
    var localName: String

    var description: String { namespaceURI.isEmpty ? localName : "{\(namespaceURI)}\(localName)" }
}

/// A RELAX NG name class after simplification (spec section 4.16: `except` only under anyName/nsName).
indirect enum NameClass: Hashable, Sendable {
    case name(QualifiedName)
    case anyName(except: NameClass?)
    case nsName(String, except: NameClass?)
    case choice(NameClass, NameClass)

    func contains(_ name: QualifiedName) -> Bool {
        switch self {
        case .name(let own): return own == name
        case .anyName(let except): return !(except?.contains(name) ?? false)
        case .nsName(let namespace, let except):
            return namespace == name.namespaceURI && !(except?.contains(name) ?? false)
        case .choice(let first, let second): return first.contains(name) || second.contains(name)
        }
    }

    /// The names this class lists, for messages ("expected ..."); wildcards as `*` forms.
    func describe(_ prefixes: [String: String]) -> [String] {
        switch self {
        case .name(let name):
            if name.namespaceURI.isEmpty { return [name.localName] }
            if let prefix = prefixes[name.namespaceURI] { return ["\(prefix):\(name.localName)"] }
            return [name.description]
        case .anyName: return ["any element"]
        case .nsName(let namespace, _): return ["\(prefixes[namespace].map { "\($0):" } ?? "{\(namespace)}")*"]
        case .choice(let first, let second): return first.describe(prefixes) + second.describe(prefixes)
        }
    }
}
