/// How an authority relates to a product, as a declaration or public evidence states it.
///
/// Report rule: an authority *uses* a product when an inventory shows an installation of it, or
/// its newest declaration for the product has a relation whose `countsAsUse` is true.
public enum UsageRelation: String, Codable, Sendable, CaseIterable {
    // The facilitator's declaration vocabulary.
    case uses
    case pilot
    case agreement
    case retired
    // Further relations found in public evidence (`os2-usage-evidence.tsv`).
    case signedAgreement = "signed-agreement"
    case member
    case coFunding = "co-funding"
    case projectLead = "project-lead"
    case steering
    case contributor
    case interested
    case municipalRepo = "municipal-repo"
    case deploymentRepo = "deployment-repo"

    /// Whether the relation shows the product in use (or under a signed agreement).
    /// Involvement without use (steering, funding, interest, repositories) does not count.
    public var countsAsUse: Bool {
        switch self {
        case .uses, .pilot, .agreement, .signedAgreement: true
        default: false
        }
    }
}

/// Where a usage declaration comes from; reports say which evidence each figure rests on.
public enum EvidenceKind: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    case documentScan = "document-scan"
    case inventory
    /// The facilitator's or authority's own declaration (CSV) or a KITOS export.
    case usageDeclaration = "usage-declaration"
    case kitos
    /// Public material (web pages, repositories): a lower bound.
    case publicEvidence = "public-evidence"
}

/// A statement that an organisation uses (or piloted, signed, retired) a product.
public struct UsageDeclaration: Codable, Sendable, Hashable {
    /// Municipality or region code.
    public var organisation: Int
    /// Catalog product id (`os2kitos`, `sbsys`, `libreoffice`, or the pseudo-id `os2` for membership).
    public var product: String
    public var relation: UsageRelation
    /// As written: `2024-05-01`, `2019`, `2016-2021` or `n.d.`.
    public var date: String?
    /// URL or free text saying where this is known from.
    public var evidence: String?
    public var evidenceKind: EvidenceKind
    /// Source file and line it was read from.
    public var source: String?
    public var line: Int?

    public init(
        organisation: Int, product: String, relation: UsageRelation, date: String?, evidence: String?,
        evidenceKind: EvidenceKind, source: String? = nil, line: Int? = nil
    ) {
        self.organisation = organisation
        self.product = product
        self.relation = relation
        self.date = date
        self.evidence = evidence
        self.evidenceKind = evidenceKind
        self.source = source
        self.line = line
    }

    /// Sort key for "newest declaration wins": the first four-digit year and any month/day that follow;
    /// the end of a range (`2016-2021` → 2021); `n.d.` and nil sort oldest.
    public var sortableDate: String {
        guard let date, date != "n.d." else { return "0000" }
        let parts = date.split(separator: "-")
        if parts.count == 2, parts.allSatisfy({ $0.count == 4 }) { return String(parts[1]) }
        return date
    }

    enum CodingKeys: String, CodingKey {
        case organisation, product, relation, date, evidence, source, line
        case evidenceKind = "evidence_kind"
    }
}
