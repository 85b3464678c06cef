import XMLKit

extension ODFValidator {
    /// Parses and schema-checks one part against `schema`, at both levels as the validator's level needs, within
    /// what is left of the document's `budget`.
    ///
    /// ODF 1.0/1.1 let a conforming document carry foreign content, so there it is removed before the one
    /// check; from 1.2 the strict check sees the part as it stands and, at the extended level, a second check
    /// runs on the part without foreign content. The part goes to the RELAX NG engine as bytes, parsed there
    /// only (``checkPartAsBytes``; the native engine takes foreign content out while it parses), unless the
    /// caller needs its tree (`needsTree`).
    func checkPart(
        _ name: String, bytes: [UInt8], schema: any RelaxNGValidating, version: ODFVersion, budget: SchemaBudget,
        filtersForeignContent: Bool = true, needsTree: Bool = false
    ) -> (tree: XMLTree?, checked: CheckedPart) {
        let removesFirst = filtersForeignContent && !version.hasExtendedConformance
        if !parsesEveryPartHere, !needsTree, budget.remaining > .zero {
            let checked = checkPartAsBytes(
                name, bytes: bytes, schema: schema, version: version, budget: budget,
                filtersForeignContent: filtersForeignContent, removesFirst: removesFirst)
            return (nil, checked)
        }
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            return (nil, Self.malformedPart(name, error, schema: schema))
        }
        var validation = PartValidation(
            part: name, validAsIs: nil, validWithoutForeignContent: nil, schema: schema.name)
        var checked = CheckedPart(validation: validation, strictProblems: [], extendedProblems: nil)
        let rule = ODFForeignContent.rule(for: version)
        if removesFirst { tree.removeForeignContent(rule) }
        record(Self.schemaCheck(name, tree, schema, budget), strict: true, in: &checked, &validation)
        if needsExtendedCheck(checked, filtersForeignContent: filtersForeignContent, version: version) {
            tree.removeForeignContent(rule)
            record(Self.schemaCheck(name, tree, schema, budget), strict: false, in: &checked, &validation)
        }
        checked.validation = validation
        return (tree, checked)
    }

    /// The same checks as ``checkPart`` on the part's bytes: the engine parses them (refusing what XMLTree
    /// refuses), without foreign content where the check wants it so, and validates them; this process parses
    /// the part only to tell a malformed part from one whose check did not finish (as when the part was parsed
    /// here first, a malformed part costs none of the budget).
    private func checkPartAsBytes(
        _ name: String, bytes: [UInt8], schema: any RelaxNGValidating, version: ODFVersion, budget: SchemaBudget,
        filtersForeignContent: Bool, removesFirst: Bool
    ) -> CheckedPart {
        let rule = ODFForeignContent.rule(for: version)
        let check =
            removesFirst
            ? schema.validate(bytes: bytes, removingForeignContent: rule, cpuLimit: budget.remaining)
            : schema.validate(bytes: bytes, cpuLimit: budget.remaining)
        if case .malformed(let error) = check.verdict { return Self.malformedPart(name, error, schema: schema) }
        let outcome = Self.schemaCheck(name, check, schema, budget)
        if case .unchecked = outcome {
            do {
                _ = try XMLTree(bytes: bytes)
            } catch {
                return Self.malformedPart(name, error, schema: schema)
            }
        }
        budget.spend(check.cpuTime)
        var validation = PartValidation(
            part: name, validAsIs: nil, validWithoutForeignContent: nil, schema: schema.name)
        var checked = CheckedPart(validation: validation, strictProblems: [], extendedProblems: nil)
        record(outcome, strict: true, in: &checked, &validation)
        if needsExtendedCheck(checked, filtersForeignContent: filtersForeignContent, version: version) {
            let extended = Self.schemaCheck(name, bytes, removing: rule, schema, budget)
            record(extended, strict: false, in: &checked, &validation)
        }
        checked.validation = validation
        return checked
    }

    private func needsExtendedCheck(
        _ checked: CheckedPart, filtersForeignContent: Bool, version: ODFVersion
    ) -> Bool {
        checked.uncheckedProblem == nil && !checked.strictProblems.isEmpty && level == .extended
            && filtersForeignContent && version.hasExtendedConformance
    }

    /// Notes the outcome of the strict check, or of the extended one, in the part's results.
    private func record(
        _ outcome: SchemaCheck, strict: Bool, in checked: inout CheckedPart, _ validation: inout PartValidation
    ) {
        switch outcome {
        case .unchecked(let unchecked):
            validation.notChecked = unchecked.message
            checked.uncheckedProblem = unchecked
            if !strict { checked.extendedProblems = [] }
        case .checked(let problems):
            if strict {
                validation.validAsIs = problems.isEmpty
                checked.strictProblems = problems
            } else {
                validation.validWithoutForeignContent = problems.isEmpty
                checked.extendedProblems = problems
            }
        }
    }

    static func malformedPart(_ name: String, _ error: XMLError, schema: any RelaxNGValidating) -> CheckedPart {
        let validation = PartValidation(
            part: name, validAsIs: false, validWithoutForeignContent: nil, schema: schema.name)
        return CheckedPart(validation: validation, strictProblems: [malformed(name, error)], extendedProblems: nil)
    }

    /// The outcome of one schema check.
    private enum SchemaCheck {
        /// Checked: its problems (none when valid).
        case checked([ValidationProblem])
        /// No verdict, and why, as a problem.
        case unchecked(ValidationProblem)
    }

    private static func schemaCheck(
        _ part: String, _ tree: XMLTree, _ schema: any RelaxNGValidating, _ budget: SchemaBudget
    )
        -> SchemaCheck
    {
        guard budget.remaining > .zero else { return .unchecked(exceeded(part, budget)) }
        let check = schema.validate(tree, cpuLimit: budget.remaining)
        budget.spend(check.cpuTime)
        return schemaCheck(part, check, schema, budget)
    }

    /// The same, on the part's bytes without foreign content (the engine parses them; they are known to be
    /// well-formed, as the strict check read them to the end).
    private static func schemaCheck(
        _ part: String, _ bytes: [UInt8], removing rule: XMLForeignContentRule, _ schema: any RelaxNGValidating,
        _ budget: SchemaBudget
    ) -> SchemaCheck {
        guard budget.remaining > .zero else { return .unchecked(exceeded(part, budget)) }
        let check = schema.validate(bytes: bytes, removingForeignContent: rule, cpuLimit: budget.remaining)
        budget.spend(check.cpuTime)
        return schemaCheck(part, check, schema, budget)
    }

    private static func schemaCheck(
        _ part: String, _ check: RelaxNGCheck, _ schema: any RelaxNGValidating, _ budget: SchemaBudget
    ) -> SchemaCheck {
        switch check.verdict {
        case .valid: return .checked([])
        case .invalid(let issues): return .checked(issues.map { invalid(part, $0, schema: schema.name) })
        case .limitExceeded: return .unchecked(exceeded(part, budget))
        case .failed(let why):
            return .unchecked(ValidationProblem(code: .schemaCheckFailed, part: part, message: "not checked: \(why)"))
        case .malformed:  // a tree always serialises to well-formed XML
            return .unchecked(
                ValidationProblem(
                    code: .schemaCheckFailed, part: part,
                    message: "not checked: libxml2 could not read the document back for validation"))
        }
    }

    private static func exceeded(_ part: String, _ budget: SchemaBudget) -> ValidationProblem {
        ValidationProblem(
            code: .schemaLimitExceeded, part: part,
            message: "not checked: schema validation exceeded its limit (\(budget.limit) of CPU time for the document)")
    }

    static func malformed(_ part: String, _ error: XMLError) -> ValidationProblem {
        switch error {
        case .forbiddenDTD(let line):
            return ValidationProblem(
                code: .xmlMalformed, part: part, line: line,
                message: "declares entities in a DOCTYPE, which is refused (XXE / entity-expansion risk); remove it")
        case .tooDeep(_, let line):
            return ValidationProblem(code: .xmlMalformed, part: part, line: line, message: "elements nest too deeply")
        case .malformed(let message, let line, let column):
            return ValidationProblem(
                code: .xmlMalformed, part: part, line: line, column: column, message: "not well-formed XML: \(message)")
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
