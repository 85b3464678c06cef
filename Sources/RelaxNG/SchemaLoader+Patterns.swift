import Foundation

extension SchemaLoader {
    /// One pattern element, simplified (spec 4.12–4.16 rewrites folded in).
    func pattern(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        guard element.isStructure else {
            throw failure(element, context, "\(element.localName) is not a RELAX NG element")
        }
        let local = inner(element, context)
        let children = element.children
        switch element.localName {
        case "element", "attribute": return try named(element, context)
        case "group": return try group(children, local)
        case "interleave": return .interleave(try patterns(children, local))
        case "choice": return .choice(try patterns(children, local))
        case "optional": return .choice([try group(children, local), .empty])
        case "zeroOrMore": return .choice([.oneOrMore(try group(children, local)), .empty])
        case "oneOrMore": return .oneOrMore(try group(children, local))
        case "mixed": return .interleave([try group(children, local), .text])
        case "list": return .list(try group(children, local))
        case "empty": return .empty
        case "text": return .text
        case "notAllowed": return .notAllowed
        case "ref": return try reference(element, local, parent: false)
        case "parentRef": return try reference(element, local, parent: true)
        case "grammar": return try grammar(element, local)
        case "externalRef": return try externalReference(element, local)
        case "value": return try value(element, local)
        case "data": return try data(element, local)
        default: throw failure(element, context, "unsupported RELAX NG construct \(element.localName)")
        }
    }

    func patterns(_ elements: [SchemaElement], _ context: Context) throws(RelaxNGSchemaError) -> [Syntax] {
        var result: [Syntax] = []
        for element in elements { result.append(try pattern(element, context)) }
        return result
    }

    /// Several patterns where one is expected form a group (spec 4.12).
    func group(_ elements: [SchemaElement], _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        let all = try patterns(elements, context)
        return all.count == 1 ? all[0] : .group(all)
    }

    private func named(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        let isAttribute = element.localName == "attribute"
        let local = inner(element, context)
        var children = element.children
        let nameClass: NameClass
        if let name = element.attributes["name"] {
            // An attribute's unprefixed name is in no namespace unless the attribute itself says `ns` (4.8).
            let defaultNamespace = isAttribute ? (element.attributes["ns"] ?? "") : local.namespace
            nameClass = .name(try qualified(name, element, local, defaultNamespace: defaultNamespace))
        } else {
            guard !children.isEmpty else { throw failure(element, context, "\(element.localName) without a name") }
            nameClass = try self.nameClass(children.removeFirst(), local)
        }
        if isAttribute {
            let content = children.isEmpty ? Syntax.text : try group(children, local)
            return .attribute(nameClass, content)
        }
        guard !children.isEmpty else { throw failure(element, context, "element without a content pattern") }
        return .element(nameClass, try group(children, local))
    }

    func qualified(
        _ name: String, _ element: SchemaElement, _ context: Context, defaultNamespace: String
    ) throws(RelaxNGSchemaError) -> QualifiedName {
        let trimmed = name.trimming(.whitespacesAndNewlines)
        let utf8 = trimmed.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
            !utf8[utf8.index(after: colon)...].contains(UInt8(ascii: ":"))
        else { return QualifiedName(namespaceURI: defaultNamespace, localName: trimmed) }
        guard let uri = element.namespaces.bindings[String(trimmed[..<colon])] else {
            throw failure(element, context, "undeclared prefix in the name \(trimmed)")
        }
        return QualifiedName(namespaceURI: uri, localName: String(trimmed[utf8.index(after: colon)...]))
    }

    func nameClass(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> NameClass {
        let local = inner(element, context)
        let children = element.children
        switch element.localName {
        case "name": return .name(try qualified(element.text, element, local, defaultNamespace: local.namespace))
        case "anyName": return .anyName(except: try except(children, local))
        case "nsName": return .nsName(local.namespace, except: try except(children, local))
        case "choice":
            var classes: [NameClass] = []
            for child in children { classes.append(try nameClass(child, local)) }
            guard var result = classes.first else { throw failure(element, context, "empty name-class choice") }
            for other in classes.dropFirst() { result = .choice(result, other) }
            return result
        default: throw failure(element, context, "\(element.localName) is not a name class")
        }
    }

    private func except(_ children: [SchemaElement], _ context: Context) throws(RelaxNGSchemaError) -> NameClass? {
        guard let except = children.first(where: { $0.localName == "except" }) else { return nil }
        var classes: [NameClass] = []
        for child in except.children { classes.append(try nameClass(child, inner(except, context))) }
        guard var result = classes.first else { return nil }
        for other in classes.dropFirst() { result = .choice(result, other) }
        return result
    }

    private func externalReference(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        let path = try resolve(element, context)
        let root = try SchemaElement.load(path)
        var external = context
        external.file = path
        external.scope = -1
        // The referenced pattern sees no grammar of the referencing file (spec 4.6), only the inherited ns.
        return try pattern(root, external)
    }

    private func value(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        // A value without a type is a built-in token (spec 4.4).
        let (library, type) =
            element.attributes["type"].map { (context.library, $0) } ?? ("", "token")
        var typed = context
        typed.library = library
        let datatype = try datatype(element, typed, type: type.trimming(.whitespaces), params: [])
        let value = addValue(SchemaValue(text: element.text, context: element.namespaces))
        return .value(datatype: datatype, value: value)
    }

    private func data(_ element: SchemaElement, _ context: Context) throws(RelaxNGSchemaError) -> Syntax {
        guard let type = element.attributes["type"]?.trimming(.whitespaces) else {
            throw failure(element, context, "data without a type")
        }
        var params: [(String, String)] = []
        var exceptPattern: Syntax?
        for child in element.children {
            switch child.localName {
            case "param": params.append((child.attributes["name"] ?? "", child.text))
            case "except": exceptPattern = .choice(try patterns(child.children, inner(child, context)))
            default: throw failure(child, context, "\(child.localName) is not allowed in data")
            }
        }
        let datatype = try datatype(element, context, type: type, params: params)
        return .data(datatype: datatype, except: exceptPattern)
    }
}

extension String {
    /// `trimmingCharacters(in: set)` (whitespace sets only), without Foundation's cost in the common case of a name
    /// or type that begins and ends with a visible ASCII character (a fifth of compiling the ODF schemas).
    /// (The set is an autoclosure: Foundation's predefined sets cost a look-up each time one is made.)
    func trimming(_ set: @autoclosure () -> CharacterSet) -> String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        if first > 0x20 && first < 0x7F && last > 0x20 && last < 0x7F { return self }
        return trimmingCharacters(in: set())
    }
}
