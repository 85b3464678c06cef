import XMLKit

extension ODFValidator {
    /// Parses and schema-checks one part against `schema`, at both levels as the validator's level needs, within
    /// what is left of the document's `budget`.
    ///
    /// ODF 1.0/1.1 let a conforming document carry foreign content, so there it is removed before the one
    /// check; from 1.2 the strict check sees the part as it stands and, at the extended level, a second check
    /// runs on the part without foreign content.
    func checkPart(
        _ name: String, bytes: [UInt8], schema: RelaxNGSchema, version: ODFVersion, budget: SchemaBudget,
        filtersForeignContent: Bool = true
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
        var validation = PartValidation(
            part: name, validAsIs: nil, validWithoutForeignContent: nil, schema: schema.name)
        var checked = CheckedPart(validation: validation, strictProblems: [], extendedProblems: nil)
        switch Self.schemaCheck(name, tree, schema, budget) {
        case .unchecked(let unchecked):
            validation.notChecked = unchecked.message
            checked.uncheckedProblem = unchecked
        case .checked(let strict):
            validation.validAsIs = strict.isEmpty
            checked.strictProblems = strict
            if !strict.isEmpty, level == .extended, filtersForeignContent, version.hasExtendedConformance {
                tree.removeForeignContent(rule)
                switch Self.schemaCheck(name, tree, schema, budget) {
                case .unchecked(let unchecked):
                    validation.notChecked = unchecked.message
                    checked.uncheckedProblem = unchecked
                    checked.extendedProblems = []
                case .checked(let problems):
                    validation.validWithoutForeignContent = problems.isEmpty
                    checked.extendedProblems = problems
                }
            }
        }
        checked.validation = validation
        return (tree, checked)
    }

    /// The outcome of one schema check.
    private enum SchemaCheck {
        /// Checked: its problems (none when valid).
        case checked([ValidationProblem])
        /// No verdict, and why, as a problem.
        case unchecked(ValidationProblem)
    }

    private static func schemaCheck(
        _ part: String, _ tree: XMLTree, _ schema: RelaxNGSchema, _ budget: SchemaBudget
    )
        -> SchemaCheck
    {
        let exceeded = ValidationProblem(
            code: .schemaLimitExceeded, part: part,
            message: "not checked: schema validation exceeded its limit (\(budget.limit) of CPU time for the document)")
        guard budget.remaining > .zero else { return .unchecked(exceeded) }
        let check = schema.validate(tree, cpuLimit: budget.remaining)
        budget.spend(check.cpuTime)
        switch check.verdict {
        case .valid: return .checked([])
        case .invalid(let issues): return .checked(issues.map { invalid(part, $0, schema: schema.name) })
        case .limitExceeded: return .unchecked(exceeded)
        case .failed(let why):
            return .unchecked(ValidationProblem(code: .schemaCheckFailed, part: part, message: "not checked: \(why)"))
        }
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
        ValidationProblem(
            code: .schemaInvalid, part: part, line: issue.line, column: issue.column,
            message: "\(issue.message) (schema \(schema))")
    }
}
