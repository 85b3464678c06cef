// ODF conformance (ODFValidation: package rules, XMLKit/libxml2 parsing, the native RELAX NG engine against the
// OASIS schemas): any bytes named .odt, told apart as package or flat ODF by content, at both levels.
import Foundation
import FuzzSupport
import ODFValidation

// Both levels share the parse; the extended level also filters foreign content before the schema check.
let strict = ODFValidator(level: .strict, schemaTimeLimit: .seconds(20))
let extended = ODFValidator(level: .extended, schemaTimeLimit: .seconds(20))

FuzzHarness.run { bytes in
    let file = FuzzHarness.scratchFile(holding: bytes, fileExtension: "odt")
    _ = try? strict.validate(path: file.path)
    _ = try? extended.validate(path: file.path)
}
