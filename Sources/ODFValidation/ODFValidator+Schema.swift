import XMLKit

extension ODFValidator {
    /// Parses and schema-checks one part against `schema`, at both levels as the validator's level needs.
    ///
    /// ODF 1.0/1.1 let a conforming document carry foreign content, so there it is removed before the one
    /// check; from 1.2 the strict check sees the part as it stands and, at the extended level, a second check
    /// runs on the part without foreign content.
    func checkPart(
        _ name: String, bytes: [UInt8], schema: RelaxNGSchema, version: ODFVersion, filtersForeignContent: Bool = true
    ) -> (tree: XMLTree?, checked: CheckedPart) {
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            let problem = Self.malformed(name, error)
            let validation = PartValidation(
                part: name, validAsIs: false, validWithoutForeignContent: nil, schema: schema.name)
            return (nil, CheckedPart(validation: validation, strictProblems: [problem], extendedProblems: nil))
        }
        let rule = ODFForeignContent.rule(for: version)
        if filtersForeignContent && !version.hasExtendedConformance { tree.removeForeignContent(rule) }
        let strict = schema.validate(tree).map { Self.invalid(name, $0, schema: schema.name) }
        var validation = PartValidation(
            part: name, validAsIs: strict.isEmpty, validWithoutForeignContent: nil, schema: schema.name)
        var extended: [ValidationProblem]?
        if !strict.isEmpty, level == .extended, filtersForeignContent, version.hasExtendedConformance {
            tree.removeForeignContent(rule)
            let problems = schema.validate(tree).map { Self.invalid(name, $0, schema: schema.name) }
            validation.validWithoutForeignContent = problems.isEmpty
            extended = problems
        }
        return (tree, CheckedPart(validation: validation, strictProblems: strict, extendedProblems: extended))
    }

    static func malformed(_ part: String, _ error: XMLError) -> ValidationProblem {
        switch error {
        case .forbiddenDTD(let line):
            return ValidationProblem(
                code: .xmlMalformed, part: part, line: line,
                message: "declares entities in a DOCTYPE, which is refused (XXE / entity-expansion risk); remove it")
        case .tooDeep(_, let line):
            return ValidationProblem(code: .xmlMalformed, part: part, line: line, message: "elements nest too deeply")
        case .malformed(let message, let line):
            return ValidationProblem(
                code: .xmlMalformed, part: part, line: line, message: "not well-formed XML: \(message)")
        case .inputTooLarge(let bytes):
            return ValidationProblem(code: .xmlMalformed, part: part, message: "part of \(bytes) bytes is too large")
        }
    }

    static func invalid(_ part: String, _ issue: XMLValidityIssue, schema: String) -> ValidationProblem {
        let subject = issue.element.map { "<\($0)>: " } ?? ""
        return ValidationProblem(
            code: .schemaInvalid, part: part, line: issue.line, column: issue.column,
            message: "\(subject)\(issue.message) (schema \(schema))")
    }
}
