public import Foundation
public import Geography
public import OverblikModel

/// Why a submission file was refused, or the schema could not be read.
public enum SubmissionError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file is not a valid submission: every problem found.
    case invalid(file: String, problems: [String])
    /// The JSON Schema is missing from this build's resources.
    case schemaMissing

    public var description: String {
        switch self {
        case .invalid(let file, let problems):
            return "\(file) is not a valid submission:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .schemaMissing:
            return "submission.schema.json is missing from the Submissions resources"
        }
    }

    public var errorDescription: String? { description }
}

/// The submission JSON Schema shipped with Overblik (`overblik submission schema`).
public enum SubmissionSchema {
    /// The schema file's text, exactly as shipped.
    public static func text() throws -> String {
        guard
            let url = Bundle.module.url(
                forResource: "submission.schema", withExtension: "json", subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "submission.schema", withExtension: "json")
        else {
            throw SubmissionError.schemaMissing
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func check() throws -> JSONSchemaCheck {
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(try text().utf8))
        return JSONSchemaCheck(schema: schema)
    }
}

/// Checks submission files: the schema, the digest over the body, and the organisation.
public struct SubmissionVerifier: Sendable {
    /// Larger files are refused before parsing (a submission is aggregates: kilobytes).
    public static let maximumBytes = 32 << 20

    let schema: JSONSchemaCheck
    let authorities: AuthorityDirectory

    public init(authorities: AuthorityDirectory = .denmark) throws {
        self.schema = try SubmissionSchema.check()
        self.authorities = authorities
    }

    /// Reads and verifies one file; throws ``SubmissionError/invalid(file:problems:)`` listing every problem.
    public func verify(fileAt url: URL) throws -> Submission {
        let name = url.lastPathComponent
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? Int, size > Self.maximumBytes {
                throw SubmissionError.invalid(
                    file: name, problems: ["file is \(size) bytes; a submission is at most \(Self.maximumBytes)"])
            }
            data = try Data(contentsOf: url)
        } catch let error as SubmissionError {
            throw error
        } catch {
            throw SubmissionError.invalid(
                file: name, problems: ["cannot read the file: \(error.localizedDescription)"])
        }
        return try verify(data: data, name: name)
    }

    /// Verifies a submission's bytes; `name` is used in messages.
    public func verify(data: Data, name: String) throws -> Submission {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw SubmissionError.invalid(file: name, problems: [Self.notJSON(data, decoding: error)])
        }
        var problems = schema.problems(in: value)
        if !problems.isEmpty {
            // Still say whether the organisation is known: it tells the facilitator whom to ask.
            if case .object(let top) = value, case .object(let body)? = top["body"],
                case .object(let organisation)? = body["organisation"], case .integer(let code)? = organisation["code"],
                authorities.authority(code: Int(code)) == nil
            {
                problems.append("organisation code \(code) is not a Danish municipality or region")
            }
            throw SubmissionError.invalid(file: name, problems: problems)
        }

        // Digest over the body exactly as found in the file.
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let body = object["body"],
            let claimed = object["digest"] as? String
        else {
            throw SubmissionError.invalid(file: name, problems: ["cannot read the body for the digest"])
        }
        let actual = SubmissionDigest.digest(ofCanonicalData: try SubmissionDigest.canonicalData(ofJSONObject: body))
        if actual != claimed {
            problems.append(
                "digest mismatch: the file says \(claimed) but its body hashes to \(actual) "
                    + "(the body was changed after export, or the file is damaged)")
        }

        let submission: Submission
        do {
            submission = try decodeSubmission(data)
        } catch {
            throw SubmissionError.invalid(
                file: name, problems: problems + ["cannot decode: \(Self.describe(error))"])
        }
        let organisation = submission.body.organisation
        if let authority = authorities.authority(code: organisation.code) {
            if authority.kind.rawValue != organisation.kind {
                problems.append(
                    "organisation \(organisation.code) is a \(authority.kind.rawValue), the file says \(organisation.kind)"
                )
            }
            if authority.name != organisation.name {
                problems.append(
                    "organisation \(organisation.code) is \"\(authority.name)\", the file says \"\(organisation.name)\""
                )
            }
        } else {
            let hint = authorities.suggestions(for: String(organisation.code))
            problems.append(
                "organisation code \(organisation.code) is not a Danish municipality or region"
                    + (hint.isEmpty ? "" : " (closest: \(hint.joined(separator: ", ")))"))
        }
        for (index, declaration) in submission.body.usage.enumerated()
        where declaration.organisation != organisation.code {
            problems.append(
                "body.usage[\(index)]: declares organisation \(declaration.organisation), not the submitter "
                    + "\(organisation.code)")
        }
        // Each document has one verdict, so the counts are the documents measured: the reports' shares rest on it.
        if let conformance = submission.body.documents.conformance {
            let sum = conformance.counts.reduce(0) { $0 + $1.count }
            if sum != conformance.measured {
                problems.append(
                    "body.documents.conformance: the counts add up to \(sum) documents but \"measured\" says "
                        + "\(conformance.measured) (each document has exactly one verdict)")
            }
        }
        // An empty body is usually an export from the wrong store; compiled, it would replace real data.
        if submission.body.holdsNoData && submission.body.empty != true {
            problems.append(
                "the body is empty (no documents, read errors, installations or usage declarations) and not marked "
                    + "\"empty\": true; export it with --allow-empty if nothing is really to be reported")
        }
        if submission.body.empty == true && !submission.body.holdsNoData {
            problems.append("the body is marked \"empty\": true but holds data")
        }
        if !problems.isEmpty { throw SubmissionError.invalid(file: name, problems: problems) }
        return submission
    }

    /// Why `data` is not JSON, and where (``JSONErrorLine``): "not JSON at line 500: …". Without an offset, the
    /// message alone; when `JSONSerialization` reads the bytes after all, the decoder's `error`.
    static func notJSON(_ data: Data, decoding error: any Error) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "not JSON: \(describe(error))"
        } catch {
            let message = JSONErrorLine.message(of: error)
            guard let line = JSONErrorLine.line(in: data, message: message) else { return "not JSON: \(message)" }
            return "not JSON at line \(line): \(message)"
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(key.stringValue) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default:
            return "\(error)"
        }
    }
}

/// The newest submission wins: later `created`, then the larger digest so the choice is deterministic.
public func isNewer(_ lhs: Submission, than rhs: Submission) -> Bool {
    if lhs.body.created != rhs.body.created { return lhs.body.created > rhs.body.created }
    return lhs.digest > rhs.digest
}

/// Encodes a submission for storage and files: the model's encoder, pretty-printed.
public func encodeSubmission(_ submission: Submission, pretty: Bool = true) throws -> Data {
    let encoder = SubmissionDigest.encoder()
    if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
    return try encoder.encode(submission)
}

public func decodeSubmission(_ data: Data) throws -> Submission {
    try SubmissionDigest.decoder().decode(Submission.self, from: data)
}

/// Deterministic order of aggregate rows in a submission (so two exports of the same data are identical).
public enum AggregateOrder {
    public static func documents(_ a: Submission.DocumentCount, _ b: Submission.DocumentCount) -> Bool {
        let left = [a.family.rawValue, a.format, a.suite ?? "", a.suiteVersionLine ?? "", a.odfVersion ?? ""]
        let right = [b.family.rawValue, b.format, b.suite ?? "", b.suiteVersionLine ?? "", b.odfVersion ?? ""]
        if left != right { return left.lexicographicallyPrecedes(right) }
        return (a.year ?? 0) < (b.year ?? 0)
    }

    /// Feature counts: by feature (in declaration order), family, format, then year.
    public static func features(_ a: Submission.FeatureCount, _ b: Submission.FeatureCount) -> Bool {
        if a.feature != b.feature { return a.feature < b.feature }
        if a.family != b.family { return a.family.rawValue < b.family.rawValue }
        if a.format != b.format { return a.format < b.format }
        return (a.year ?? 0) < (b.year ?? 0)
    }

    /// Conformance counts: by verdict (in declaration order), suite, suite version line, then ODF version.
    public static func conformance(_ a: Submission.ConformanceCount, _ b: Submission.ConformanceCount) -> Bool {
        if a.verdict != b.verdict {
            let verdicts = DocumentConformance.allCases
            return verdicts.firstIndex(of: a.verdict)! < verdicts.firstIndex(of: b.verdict)!
        }
        let left = [a.suite ?? "", a.suiteVersionLine ?? "", a.odfVersion ?? ""]
        let right = [b.suite ?? "", b.suiteVersionLine ?? "", b.odfVersion ?? ""]
        return left.lexicographicallyPrecedes(right)
    }

    public static func installations(_ a: Submission.InstallationCount, _ b: Submission.InstallationCount) -> Bool {
        if a.product != b.product { return a.product < b.product }
        return (a.versionLine ?? "") < (b.versionLine ?? "")
    }
}
