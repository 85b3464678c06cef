import Foundation

// The scan record's JSON keeps its core fields present even when empty (`"error": null`), so jsonl consumers
// see one stable shape; optional detail fields are omitted when absent.
extension DocumentRecord {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(family, forKey: .family)
        try c.encode(container, forKey: .container)
        try c.encode(format, forKey: .format)
        try c.encode(mimetype, forKey: .mimetype)
        try c.encode(odfVersion, forKey: .odfVersion)
        try c.encodeIfPresent(manifestVersion, forKey: .manifestVersion)
        try c.encode(generator, forKey: .generator)
        try c.encodeIfPresent(application, forKey: .application)
        try c.encodeIfPresent(appVersion, forKey: .appVersion)
        try c.encode(suite, forKey: .suite)
        try c.encode(suiteVersion, forKey: .suiteVersion)
        try c.encodeIfPresent(suiteVersionLine, forKey: .suiteVersionLine)
        try c.encode(encrypted, forKey: .encrypted)
        try c.encode(features.sorted(), forKey: .features)
        try c.encodeIfPresent(created, forKey: .created)
        try c.encodeIfPresent(metaModified, forKey: .metaModified)
        try c.encodeIfPresent(editingCycles, forKey: .editingCycles)
        try c.encodeIfPresent(editingDuration, forKey: .editingDuration)
        try c.encode(statistics, forKey: .statistics)
        try c.encodeIfPresent(language, forKey: .language)
        try c.encodeIfPresent(template, forKey: .template)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(error, forKey: .error)
        try c.encodeIfPresent(errorDetail, forKey: .errorDetail)
        try c.encode(size, forKey: .size)
        try c.encode(modified, forKey: .modified)
        try c.encodeIfPresent(personal, forKey: .personal)
    }
}
