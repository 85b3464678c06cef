/// Whether an authority is one of the 98 municipalities (kommuner) or the 5 regions.
public enum AuthorityKind: String, Codable, Sendable, CaseIterable {
    case municipality
    case region
}

/// A Danish public authority: a municipality or a region, with its official code and Danish name.
public struct Authority: Codable, Sendable, Hashable, Comparable {
    /// Official code: kommunekode 101–860 for municipalities, 1081–1085 for regions.
    public var code: Int
    /// Official Danish name, e.g. "Københavns Kommune", "Region Hovedstaden".
    public var name: String
    /// Short name as DAWA and Danmarks Statistik write it ("København", "Hovedstaden").
    public var shortName: String
    public var kind: AuthorityKind
    /// The region a municipality lies in; a region's own code for a region.
    public var regionCode: Int

    public init(code: Int, name: String, shortName: String, kind: AuthorityKind, regionCode: Int) {
        self.code = code
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.regionCode = regionCode
    }

    /// Municipalities first in code order, then regions in code order.
    public static func < (lhs: Authority, rhs: Authority) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind == .municipality }
        return lhs.code < rhs.code
    }

    enum CodingKeys: String, CodingKey {
        case code, name, kind
        case shortName = "short_name"
        case regionCode = "region_code"
    }
}

/// Why a name or code could not be resolved to an authority.
public enum AuthorityLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing matched; `suggestions` holds the official names of the closest matches.
    case unknown(input: String, suggestions: [String])
    /// The text names more than one authority (e.g. an abbreviation shared by a municipality and a region).
    case ambiguous(input: String, candidates: [String])

    public var description: String {
        switch self {
        case .unknown(let input, let suggestions):
            let hint = suggestions.isEmpty ? "" : " Did you mean: \(suggestions.joined(separator: ", "))?"
            return "'\(input)' is not a Danish municipality or region (by code, name or known alias).\(hint)"
        case .ambiguous(let input, let candidates):
            return "'\(input)' could mean \(candidates.joined(separator: " or ")); give the code or full name."
        }
    }
}

/// Errors reading the shipped reference data (a packaging fault, not a user error).
public enum GeographyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingResource(String)
    case malformedResource(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingResource(let name):
            return "Reference data '\(name)' is missing from the Geography resources."
        case .malformedResource(let file, let line, let reason):
            return "Reference data \(file), line \(line): \(reason)"
        }
    }
}
